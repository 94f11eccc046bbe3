"""A real Chroma server for the store contract, started once per test session."""

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

import pytest

SERVER_START_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def chroma_running(
    command: list[str], url: str, log_path: Path, env: dict[str, str]
) -> Iterator[None]:
    """Start a Chroma server with `command`, wait for its heartbeat at `url`, stop it on exit."""
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not answers_heartbeat(url):
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                pytest.fail(f"the Chroma server at {url} did not start:\n{tail}")
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chroma run` on a free loopback port; yields its URL, killed at the end of the session."""
    chroma = Path(sys.executable).parent / "chroma"
    assert chroma.exists(), f"the Chroma CLI is missing from the venv: {chroma}"
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(chroma), "run", "--path", str(folder / "data"), "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with chroma_running(command, url, folder / "server.log", env):
        yield url
