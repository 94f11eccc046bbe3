"""Refuse state-changing requests that a browser sends from another site.

Gradio serves a POST (a file upload, an event joining the queue) whatever page it comes from:
a page on any site could make a visitor's browser upload a file to a docqa on their machine.
Browsers name the page's origin on every POST; one that names another host than the one asked
is refused. Requests without an Origin (gradio_client, curl, scripts) pass: the login
(`docqa serve --auth`) is what bounds those.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SameOriginOnly:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            origin = headers.get("origin")
            if origin is not None and not _same_host(origin, headers):
                refusal = PlainTextResponse(
                    f"Cross-site request refused: a page on {origin} may not change this "
                    "docqa. Open docqa's own address to use it.",
                    status_code=403,
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _same_host(origin: str, headers: dict[str, str]) -> bool:
    # Behind a reverse proxy the browser's host arrives as X-Forwarded-Host.
    asked = {headers.get("host", ""), *headers.get("x-forwarded-host", "").split(",")}
    return urlsplit(origin).netloc.lower() in {h.strip().lower() for h in asked if h.strip()}
