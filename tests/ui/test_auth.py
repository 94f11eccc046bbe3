"""`docqa serve --auth USER:PASS`: without the login no page, event or API call is served; a
loud warning when the UI is bound beyond loopback with no login."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import click
import pytest
from gradio_client import Client

from tests.ui import running_app
from ui.cli import exposure_warning, parse_login
from ui.context import Context

LOGIN = ("reader", "s3cret-pass")
REFUSED = {401, 403}


def status_of(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    headers = headers or {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_without_the_login_nothing_is_served(seeded_context: Context) -> None:
    with running_app(seeded_context, auth=LOGIN) as url:
        assert status_of(url + "config") == 401
        body = json.dumps({"data": ["Qui ?"]}).encode()
        assert status_of(url + "gradio_api/call/ask", body) == 401
        assert upload_status(url, None) in REFUSED  # an upload would reach the ingester
        joined = {"data": ["Qui ?"], "fn_index": 0, "session_hash": "outsider"}
        assert status_of(url + "gradio_api/queue/join", json.dumps(joined).encode()) in REFUSED
        with pytest.raises(Exception):  # noqa: B017 (gradio_client's error varies by version)
            Client(url, verbose=False)
        client = Client(url, auth=LOGIN, verbose=False)
        result = client.predict("亚信会议有多少个成员国？", api_name="/ask")
        assert result["language"] == "zh"


def test_binding_beyond_loopback_without_a_login_is_warned_loudly() -> None:
    warning = exposure_warning("0.0.0.0", None)
    assert warning is not None and "--auth" in warning and "0.0.0.0" in warning
    assert exposure_warning("0.0.0.0", LOGIN) is None
    assert exposure_warning("127.0.0.1", None) is None


def test_a_login_without_a_colon_is_refused() -> None:
    assert parse_login("a:b:c") == ("a", "b:c")
    with pytest.raises(click.BadParameter, match="USER:PASS"):
        parse_login("nocolon")


def upload_status(url: str, origin: str | None) -> int:
    boundary = "docqa-test-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="x.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nplanted text\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if origin:
        headers["Origin"] = origin
    return status_of(url + "gradio_api/upload", body, headers)


def test_a_page_from_another_site_cannot_post_to_the_app(seeded_context: Context) -> None:
    with running_app(seeded_context) as url:
        own = url.rstrip("/")
        assert upload_status(url, "http://evil.example") == 403
        assert upload_status(url, own.replace("127.0.0.1", "localhost")) == 403  # another host
        assert upload_status(url, own) == 200  # the app's own page
        assert upload_status(url, None) == 200  # scripts and gradio_client send no Origin
