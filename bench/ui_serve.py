"""Start `docqa serve` in a child process on a free loopback port, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ui.offline import OFFLINE_ENV


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int) -> list[str]:
    return [sys.executable, "-m", "ui.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]


def serve_env(store: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    return os.environ | OFFLINE_ENV | {"DOCQA_STORE_PATH": str(store)} | (extra or {})


def ingest_seed(store: Path, env: dict[str, str] | None = None) -> None:
    """Fill a store with the seed corpus in a child process (so this one holds no store)."""
    subprocess.run(
        [sys.executable, "-m", "ui.cli", "ingest", "--default-corpus"],
        env=serve_env(store, env),
        check=True,
        capture_output=True,
    )


def answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_for_http(url: str, server: subprocess.Popen, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while not answers_http(url):
        if server.poll() is not None:
            raise RuntimeError(f"docqa serve exited with {server.returncode} before serving {url}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"docqa serve did not answer on {url} within {timeout_s:.0f} s")
        time.sleep(0.05)


@contextmanager
def docqa_serve(
    store: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`docqa serve` over STORE (ENV: more DOCQA_* settings); yields (url, process) at once."""
    port = free_port()
    server = subprocess.Popen(
        serve_command(port),
        env=serve_env(store, env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}/", server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
