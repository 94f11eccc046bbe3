"""Tests of the chat UI: rendering, the app over HTTP, and the app in headless Chromium."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from ui.context import Context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_app(context: Context, auth: tuple[str, str] | None = None) -> Iterator[str]:
    """The real app served on a free loopback port; yields its URL, closes it afterwards."""
    from ui.app import launch

    port = free_port()
    app = launch(context, host="127.0.0.1", port=port, auth=auth, prevent_thread_lock=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()
