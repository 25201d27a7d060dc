"""The home feed."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from instaclone.api.routes.params import Cursor, Limit, Me, Service
from instaclone.api.schemas import PageOut, json
from instaclone.domain import Photo

router = APIRouter(tags=["feed"])


class FeedPhoto(Photo):
    liked_by_me: bool = False


@router.get("/api/feed", response_model=PageOut[FeedPhoto])
async def feed(app: Service, me: Me, limit: Limit = 30, cursor: Cursor = None) -> Response:
    """Your photos and those of the people you follow, newest first, each saying whether
    you liked it (at most 30 a page)."""
    page = await app.get_user_feed(me, limit, cursor)
    items = [
        {**p.model_dump(mode="json", by_alias=True), "likedByMe": p.photo_id in page.liked}
        for p in page.items
    ]
    return json({"items": items, "cursor": page.cursor})


@router.get("/api/health", tags=["meta"])
async def health() -> dict[str, str]:
    return {"status": "ok"}
