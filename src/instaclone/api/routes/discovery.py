"""Finding people and photos: user search, hashtag pages, Explore."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from instaclone.api.routes.params import Cursor, Limit, MaybeMe, Me, Service
from instaclone.api.schemas import PageOut, PhotoSeen, TagPageOut, UserMatchOut, json
from instaclone.domain import Photo, User

router = APIRouter(tags=["discovery"])

SearchQuery = Annotated[
    str,
    Query(min_length=1, max_length=100, description="part of a username or name", examples=["jos"]),
]
Tag = Annotated[str, Path(min_length=1, max_length=100, examples=["sunset"])]
SearchLimit = Annotated[int, Query(ge=1, le=50)]


def seen(
    photos: Iterable[Photo],
    liked: set[str],
    saved: set[str],
    authors: dict[str, User] | None = None,
) -> list[dict[str, Any]]:
    """Photos as JSON, each with whether the reader liked and saved it (and its author)."""
    out = []
    for photo in photos:
        item = photo.model_dump(mode="json", by_alias=True)
        item["likedByMe"] = photo.photo_id in liked
        item["savedByMe"] = photo.photo_id in saved
        if authors is not None:
            author = authors.get(photo.username)
            item["user"] = author.model_dump(mode="json", by_alias=True) if author else None
        out.append(item)
    return out


@router.get("/api/search/users", response_model=PageOut[UserMatchOut])
async def search_users(app: Service, q: SearchQuery, limit: SearchLimit = 20) -> Response:
    """People whose username or name has words starting with those of ``q`` (accents and
    case ignored): the exact username first, then the most followed. No cursor: a search
    is refined by typing more."""
    found = await app.search_users(q, limit)
    items = [UserMatchOut.model_validate(m, from_attributes=True) for m in found]
    return json({"items": items, "cursor": None})


@router.get("/api/tags/{tag}", response_model=TagPageOut)
async def tag_page(
    tag: Tag, app: Service, me: MaybeMe, limit: Limit = 24, cursor: Cursor = None
) -> Response:
    """Photos whose caption has ``#tag`` (any case), newest first, with the tag's count."""
    page = await app.get_hashtag_photos(tag, limit, cursor, reader=me)
    return json(
        {
            "tag": page.tag,
            "photoCount": page.photo_count,
            "items": seen(page.items, page.liked, page.saved),
            "cursor": page.cursor,
        }
    )


@router.get("/api/explore", response_model=PageOut[PhotoSeen])
async def explore(app: Service, me: Me, limit: Limit = 24, cursor: Cursor = None) -> Response:
    """Photos of the last 7 days from people you do not follow, the most liked first."""
    page = await app.get_explore(me, limit, cursor)
    return json({"items": seen(page.items, page.liked, page.saved), "cursor": page.cursor})
