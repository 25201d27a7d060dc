"""The web app: one page (HTML, CSS, JavaScript, no build step, nothing from the internet)
that uses the JSON API. Every page path answers the same shell; the script draws the page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(__file__).parent / "static"

# User content never runs as code: scripts and styles only from here, no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

router = APIRouter(include_in_schema=False)
PAGES = [
    "/",
    "/login",
    "/signup",
    "/upload",
    "/u/{username}",
    "/u/{username}/saved",
    "/search",
    "/explore",
    "/tags/{tag}",
    "/settings",
    "/settings/blocked",
    "/activity",
    "/direct",
    "/direct/requests",
    "/direct/t/{username}",
    "/u/{username}/followers",
    "/u/{username}/following",
    "/p/{username}/{photo_id}",
    "/p/{username}/{photo_id}/likes",
    "/stories/{username}",
]


async def shell() -> Response:
    return FileResponse(
        STATIC / "index.html", headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    )


def not_found_page() -> Response:
    """The app's shell with a 404 status: the page script shows "Page not found"."""
    return FileResponse(STATIC / "index.html", status_code=404, headers=SECURITY_HEADERS)


for page in PAGES:
    router.add_api_route(page, shell, methods=["GET"])


class SecurityHeaders:
    """Adds the security headers to every response (API responses included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC)
