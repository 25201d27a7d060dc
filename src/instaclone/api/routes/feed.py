"""The home feed."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from instaclone.api.routes.params import Cursor, Limit, Me, Service
from instaclone.api.schemas import PageOut, json
from instaclone.domain import Photo

router = APIRouter(tags=["feed"])


@router.get("/api/feed", response_model=PageOut[Photo])
async def feed(app: Service, me: Me, limit: Limit = 30, cursor: Cursor = None) -> Response:
    """Photos of the people you follow, newest first."""
    page = await app.get_user_feed(me, limit, cursor)
    return json(
        {
            "items": [p.model_dump(mode="json", by_alias=True) for p in page.items],
            "cursor": page.cursor,
        }
    )


@router.get("/api/health", tags=["meta"])
async def health() -> dict[str, str]:
    return {"status": "ok"}
