"""Blocking: your list of blocked people is yours alone; the one you block is not told."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from instaclone.api.routes.params import Cursor, Limit, Me, Service, Username
from instaclone.api.schemas import Blocked, PageOut, json
from instaclone.domain import User

router = APIRouter(tags=["blocks"])


@router.get("/api/me/blocked", response_model=PageOut[User])
async def blocked_people(
    app: Service, me: Me, limit: Limit = 50, cursor: Cursor = None
) -> Response:
    """Those you block, by username."""
    return json(await app.get_blocked_paginated(me, limit, cursor))


@router.get("/api/me/blocked/{username}", response_model=Blocked)
async def is_blocked(username: Username, app: Service, me: Me) -> Response:
    """Whether you block this person."""
    return json(Blocked(blocked=await app.is_blocked(me, username)))


@router.put("/api/me/blocked/{username}", response_model=Blocked)
async def block(username: Username, app: Service, me: Me) -> Response:
    """Block someone (again changes nothing): neither of you can follow or message the other,
    the follows between you end and their waiting request goes (within a moment: the
    pipeline does it), and what they do no longer notifies you."""
    await app.block_user(me, username)
    return json(Blocked(blocked=True))


@router.delete("/api/me/blocked/{username}", status_code=204)
async def unblock(username: Username, app: Service, me: Me) -> Response:
    """Unblock someone (whether or not they were blocked). Follows the block ended stay
    ended."""
    await app.unblock_user(me, username)
    return Response(status_code=204)
