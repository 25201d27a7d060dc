"""The home feed."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from instaclone.api.routes.discovery import seen
from instaclone.api.routes.params import Cursor, Limit, Me, Service
from instaclone.api.schemas import PageOut, PhotoSeen, json

router = APIRouter(tags=["feed"])


@router.get("/api/feed", response_model=PageOut[PhotoSeen])
async def feed(app: Service, me: Me, limit: Limit = 20, cursor: Cursor = None) -> Response:
    """Your photos and those of the people you follow, newest first, each with its author
    and whether you liked and saved it (at most 20 a page)."""
    page = await app.get_user_feed(me, limit, cursor)
    items = seen(page.items, page.liked, page.saved, page.authors)
    return json({"items": items, "cursor": page.cursor})
