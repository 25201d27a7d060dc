"""Sign up, log in, log out, who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from instaclone.api.errors import ApiError
from instaclone.api.routes.params import ItemId
from instaclone.api.schemas import (
    Body,
    LogIn,
    PasswordChange,
    SessionInfo,
    SessionOut,
    SignUp,
    json,
)
from instaclone.api.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    _token,
    client_ip,
    csrf_token,
    current_user,
    optional_user,
    service_dependency,
)
from instaclone.domain import SESSION_LIFETIME, InstagramService, InvalidCredentialsError, User
from instaclone.domain.accounts import token_hash

router = APIRouter(tags=["accounts"])
Service = Annotated[InstagramService, Depends(service_dependency)]


def _signed_in(request: Request, token: str, user: User, status: int) -> Response:
    response = json(SessionOut(token=token, user=user), status)
    secure = request.app.state.settings.secure_cookies
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_LIFETIME,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    _set_csrf(request, response, token)
    return response


def _set_csrf(request: Request, response: Response, token: str) -> None:
    # Readable by our page, which echoes it in X-CSRF-Token on writes (double submit); it
    # is derived from the session token, so it is worth nothing with any other session.
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token(request, token),
        max_age=SESSION_LIFETIME,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )


@router.post("/api/accounts", status_code=201, response_model=SessionOut)
async def sign_up(body: SignUp, request: Request, app: Service) -> Response:
    """Create an account and sign in (a session cookie is set; the token is returned too)."""
    limits = request.app.state.limits
    if limits:
        limits["signup"].hit(client_ip(request))
    await app.sign_up(body.username, body.name, body.password)
    token, user = await app.log_in(body.username, body.password, client=_client(request))
    return _signed_in(request, token, user, 201)


@router.post("/api/sessions", response_model=SessionOut)
async def log_in(body: LogIn, request: Request, app: Service) -> Response:
    limits = request.app.state.limits
    if limits:
        limits["login_ip"].hit(client_ip(request))
        # By address and username together: someone guessing from elsewhere can lock out
        # only themselves, never the owner signing in from their own address.
        limits["login_user"].hit(f"{client_ip(request)}|{body.username.strip().lower()}")
    token, user = await app.log_in(body.username, body.password, client=_client(request))
    return _signed_in(request, token, user, 200)


def _client(request: Request) -> str | None:
    return request.headers.get("user-agent")


Me = Annotated[str, Depends(current_user)]


@router.get("/api/me/sessions", response_model=list[SessionInfo])
async def sessions(request: Request, app: Service, me: Me) -> Response:
    """Your live sessions, oldest first; ``current`` marks this one."""
    token, _ = _token(request)
    mine = token_hash(token) if token else None
    return json(
        [
            SessionInfo(
                session_id=s.session_id or "",
                created_at=s.created_at,
                last_seen_at=s.last_seen_at,
                expires_at=s.expires_at,
                client=s.client,
                current=s.token_hash == mine,
            )
            for s in await app.list_sessions(me)
        ]
    )


@router.delete("/api/me/sessions", status_code=204)
async def log_out_everywhere(app: Service, me: Me) -> Response:
    """End every session of yours, this one included."""
    await app.end_sessions(me)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.delete("/api/me/sessions/{session_id}", status_code=204)
async def end_session(session_id: ItemId, app: Service, me: Me) -> Response:
    """End one of your sessions (signed in elsewhere, say)."""
    if not await app.end_sessions(me, session_id=session_id):
        raise ApiError(404, "not_found", f"you have no session {session_id!r}")
    return Response(status_code=204)


@router.put("/api/me/password", status_code=204)
async def change_password(body: PasswordChange, request: Request, app: Service, me: Me) -> Response:
    """Change your password; every other session of yours ends (this one goes on)."""
    limits = request.app.state.limits
    if limits:
        limits["login_user"].hit(f"{client_ip(request)}|{me}")
    token, _ = _token(request)
    try:
        await app.change_password(me, body.current_password, body.new_password, keep_token=token)
    except InvalidCredentialsError:
        raise ApiError(403, "wrong_password", "the current password is not right") from None
    return Response(status_code=204)


@router.delete("/api/sessions/current", status_code=204)
async def log_out(
    request: Request, app: Service, _: Annotated[str, Depends(current_user)]
) -> Response:
    """End this session: its token stops working at once."""
    token, _cookie = _token(request)
    if token:
        await app.log_out(token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


class SessionState(Body):
    user: User | None = None


@router.get("/api/session", response_model=SessionState)
async def session_state(request: Request, app: Service) -> Response:
    """Who is signed in: ``{"user": null}`` when nobody is (200 either way, so a page can
    ask on every load without an error in the browser's console)."""
    username = await optional_user(request)
    user = await app.get_user_profile(username) if username else None
    return json(SessionState(user=user))


@router.get("/api/me", response_model=User)
async def me(
    request: Request, app: Service, username: Annotated[str, Depends(current_user)]
) -> Response:
    response = json(await app.get_user_profile(username))
    token, from_cookie = _token(request)
    if token and from_cookie:  # sessions from before the token was bound get theirs now
        _set_csrf(request, response, token)
    return response
