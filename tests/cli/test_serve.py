"""`docqa serve`'s own checks, before anything is served: the loud warning when the UI would be
reachable beyond this machine with no login. `launch` is replaced, so no server starts: the
command's output is what is tested here (tests/ui/test_auth.py serves the real app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import store.memory
import ui.app
from ui.cli import main

LOGIN = "reader:s3cret-pass"


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """What `launch` was called with, one entry per call; the store is never opened."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(ui.app, "launch", lambda context, **options: calls.append(options))
    monkeypatch.setattr(store.memory, "tune_malloc_for_serving", lambda: None)
    monkeypatch.delenv("DOCQA_AUTH", raising=False)
    monkeypatch.setenv("DOCQA_STORE_PATH", str(tmp_path / "store"))
    return calls


def serve(*options: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["serve", "--no-ingest-default", *options], env=env)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_serving_beyond_loopback_without_a_login_warns_on_stderr(
    launched: list[dict[str, Any]], host: str
) -> None:
    result = serve("--host", host)

    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr and host in result.stderr
    assert "--auth USER:PASS" in result.stderr
    assert "WARNING" not in result.stdout
    assert launched == [{"host": host, "port": 7860, "auth": None, "warm_up": True}]


@pytest.mark.parametrize(
    ("options", "env"),
    [(("--auth", LOGIN), None), ((), {"DOCQA_AUTH": LOGIN})],
    ids=["--auth", "DOCQA_AUTH"],
)
def test_with_a_login_there_is_no_warning_and_the_login_is_served(
    launched: list[dict[str, Any]], options: tuple[str, ...], env: dict[str, str] | None
) -> None:
    result = serve("--host", "0.0.0.0", *options, env=env)

    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.stderr
    assert launched[0]["auth"] == ("reader", "s3cret-pass")


def test_loopback_needs_no_login(launched: list[dict[str, Any]]) -> None:
    result = serve()

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert launched[0]["host"] == "127.0.0.1"


def test_a_login_without_a_colon_is_a_usage_error_and_nothing_is_served(
    launched: list[dict[str, Any]],
) -> None:
    result = serve("--host", "0.0.0.0", "--auth", "nocolon")

    assert result.exit_code == 2
    assert "USER:PASS" in result.stderr
    assert launched == []
