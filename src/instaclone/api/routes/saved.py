"""Saved posts: private to the person who saved them."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from instaclone.api.routes.discovery import seen
from instaclone.api.routes.params import Cursor, Limit, Me, PhotoId, Service, Username
from instaclone.api.schemas import PageOut, PhotoSeen, Saved, json

router = APIRouter(tags=["saved"])


@router.get("/api/me/saved", response_model=PageOut[PhotoSeen])
async def saved_photos(app: Service, me: Me, limit: Limit = 24, cursor: Cursor = None) -> Response:
    """Your saved photos, the last saved first (only you can see them)."""
    page = await app.get_saved_photos(me, limit, cursor)
    return json({"items": seen(page.items, page.liked, page.saved), "cursor": page.cursor})


@router.get("/api/users/{username}/photos/{photo_id}/saved", response_model=Saved)
async def is_saved(username: Username, photo_id: PhotoId, app: Service, me: Me) -> Response:
    """Whether you saved this photo."""
    return json(Saved(saved=await app.is_photo_saved(me, photo_id, photo_owner=username)))


@router.put("/api/users/{username}/photos/{photo_id}/saved", response_model=Saved)
async def save(username: Username, photo_id: PhotoId, app: Service, me: Me) -> Response:
    """Save a photo (saving it again changes nothing)."""
    await app.save_photo(me, username, photo_id)
    return json(Saved(saved=True))


@router.delete("/api/users/{username}/photos/{photo_id}/saved", status_code=204)
async def unsave(username: Username, photo_id: PhotoId, app: Service, me: Me) -> Response:
    """Take a photo out of your saved list (whether or not it was there)."""
    await app.unsave_photo(me, photo_id, photo_owner=username)
    return Response(status_code=204)
