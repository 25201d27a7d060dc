"""Request bodies are bounded while they stream, and an upload is refused before its body
is read when the request is not signed in.

Starlette reads a whole JSON body into memory and spools a whole multipart body to disk
before any route code runs, so the limits must sit in front of it: a declared
Content-Length over the limit is answered 413 at once; a body that grows past it (chunked,
or lying about its length) is cut off with 413 as soon as it does.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import unquote

from fastapi import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from instaclone.api.errors import ApiError, error_response
from instaclone.api.security import _check_csrf, _token, service

JSON_LIMIT = 256 * 1024
"""Every JSON body: a caption or comment is 2,200 characters, a story 20 frame URLs."""
UPLOAD_PATH = re.compile(
    r"^/api/users/([^/]+)/(?:(photos|stories)/upload|(avatar)|(messages/photo))$"
)
"""Multipart uploads; the user named is the owner, except for a photo message (the
recipient)."""
MULTIPART_SLACK = 1024 * 1024
"""Room for the form's boundaries, headers and text fields around the files."""


def mib(n: int) -> str:
    return f"{n / (1 << 20):.0f} MiB" if n >= 1 << 20 else f"{n // 1024} KiB"


class BodyLimit:
    def __init__(
        self, app: ASGIApp, *, max_upload: int, max_files: int, body_timeout: float = 30.0
    ) -> None:
        self.app = app
        self.max_upload = max_upload
        self.max_files = max_files
        self.body_timeout = body_timeout

    def limit_for(self, path: str) -> tuple[int, bool]:
        """(bytes allowed, whether this is an upload)."""
        match = UPLOAD_PATH.match(path)
        if match is None:
            return JSON_LIMIT, False
        files = self.max_files if match.group(2) == "stories" else 1
        return files * self.max_upload + MULTIPART_SLACK, True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit, upload = self.limit_for(scope["path"])
        request = Request(scope)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large(limit)(scope, receive, send)
            return
        refusal = await refuse_upload(request, UPLOAD_PATH.match(scope["path"])) if upload else None
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        received = 0
        complete = False

        async def bounded() -> Message:
            nonlocal received, complete
            if complete:  # after the body, receive() waits for a disconnect: no deadline
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                raise HTTPException(
                    408, f"the request body stalled for {self.body_timeout:.0f} s"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, f"the request body may be at most {mib(limit)}")
                complete = not message.get("more_body", False)
            return message

        await self.app(scope, bounded, send)


def too_large(limit: int) -> Any:
    return error_response(
        413,
        "too_large",
        f"the request body may be at most {mib(limit)}",
        {"Connection": "close"},
    )


async def refuse_upload(request: Request, path: re.Match[str] | None) -> Any:
    """The answer to an upload that is not signed in, is someone else's (the path names
    another user), or, signed in by cookie, lacks the CSRF header: given before its body is
    read; None to go on (one GetItem)."""
    token, from_cookie = _token(request)
    try:
        who = await service(request).session_user(token) if token is not None else None
    except Exception:  # the route itself will report the database's state
        return None
    if who is None:
        return error_response(
            401,
            "unauthorized",
            "sign in first",
            {"WWW-Authenticate": 'Bearer realm="instaclone"', "Connection": "close"},
        )
    sending = path is not None and path.group(4) is not None
    owner = unquote(path.group(1)).strip().lower() if path and not sending else who
    if owner != who:
        what = "change this profile picture" if path and path.group(3) else "upload here"
        return error_response(403, "forbidden", f"only {owner} may {what}")
    if from_cookie:
        try:
            _check_csrf(request)
        except ApiError as refused:
            return error_response(refused.status, refused.code, refused.message)
    return None
