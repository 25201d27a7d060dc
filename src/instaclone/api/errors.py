"""One error shape for every failure: ``{"error": {"code", "message"}}``, with the status
code that says what kind of failure it is. Bad input never becomes a 5xx."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from instaclone.data import (
    DataError,
    EngineUnavailableError,
    InvalidCursorError,
    ThrottledError,
    ValidationError,
)
from instaclone.domain import (
    ConflictError,
    ContentionError,
    DomainError,
    InvalidCredentialsError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from instaclone.media import InvalidImageError, StorageFullError, StorageUnavailableError


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return Response(body, status, headers=headers, media_type="application/json")


# (exception type, status, code), most specific first
_DOMAIN: list[tuple[type[Exception], int, str]] = [
    (InvalidCredentialsError, 401, "invalid_credentials"),
    (NotAllowedError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (ConflictError, 409, "conflict"),
    (InvalidCursorError, 400, "invalid_cursor"),
    (InvalidInputError, 422, "invalid_input"),
    (InvalidImageError, 422, "invalid_image"),
    (ValidationError, 422, "invalid_input"),
    (ContentionError, 503, "busy"),
    (ThrottledError, 503, "busy"),
    (EngineUnavailableError, 503, "database_unavailable"),
    (StorageFullError, 507, "storage_full"),
    (StorageUnavailableError, 503, "storage_unavailable"),
]


async def _domain_error(request: Request, exc: Exception) -> Response:
    for kind, status, code in _DOMAIN:
        if isinstance(exc, kind):
            headers = {"Retry-After": "1"} if status == 503 else None
            message = str(exc)
            if isinstance(exc, EngineUnavailableError):
                message = "the database is unavailable right now; try again shortly"
            if isinstance(exc, StorageFullError):
                message = "there is no room to store this file right now; try again later"
            if isinstance(exc, StorageUnavailableError):
                message = "photos cannot be stored right now; try again shortly"
            return error_response(status, code, message, headers)
    return error_response(500, "internal_error", "something went wrong on our side")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and wants_page(request):
        from instaclone.web import not_found_page

        return not_found_page()
    codes = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        408: "timeout",
        413: "too_large",
    }
    return error_response(
        exc.status_code,
        codes.get(exc.status_code, "http_error"),
        str(exc.detail),
        dict(exc.headers or {}),
    )


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API or a file): it gets the app's own 404 page."""
    path = request.url.path
    api_like = path.startswith(("/api/", "/media/", "/static/", "/docs", "/openapi"))
    return not api_like and "text/html" in request.headers.get("accept", "")


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems: list[str] = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        problems.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg")))
    return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for kind in (
        DomainError,
        DataError,
        InvalidImageError,
        StorageFullError,
        StorageUnavailableError,
    ):
        app.add_exception_handler(kind, _domain_error)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": text,
        "content": {"application/json": {"example": {"error": {"code": code, "message": "…"}}}},
    }
    for status, code, text in [
        (400, "invalid_cursor", "Malformed request (e.g. an altered cursor)"),
        (401, "unauthorized", "Not signed in"),
        (403, "forbidden", "Signed in, but not allowed"),
        (404, "not_found", "No such resource"),
        (409, "conflict", "Contradicts the current state"),
        (422, "invalid_input", "Invalid input"),
        (503, "database_unavailable", "Database unavailable or busy; retry"),
    ]
}
