"""Your activity: notifications of likes, comments, follows and mentions (written by the
event pipeline), an unread count that costs one read, and "mark all read"."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from instaclone.api.routes.params import Cursor, Limit, Me, Service
from instaclone.api.schemas import Body, PageOut, json

router = APIRouter(tags=["activity"])


class Actor(Body):
    username: str
    name: str | None = None
    avatar_thumb_url: str | None = None


class PhotoRef(Body):
    username: str
    photo_id: str
    url: str
    thumbnail_url: str | None = None


class NotificationOut(Body):
    kind: str
    """like, comment, follow or mention."""
    actors: list[Actor]
    """The latest, newest first (at most 3)."""
    actor_count: int
    """Everyone in this row: "alice, bob and 3 others" when 5."""
    at: int
    """Milliseconds since the epoch of the latest event."""
    unread: bool
    photo: PhotoRef | None = None
    preview: str | None = None
    """The latest comment's first characters."""


class Unread(Body):
    unread: int


@router.get("/api/me/notifications", response_model=PageOut[NotificationOut])
async def notifications(app: Service, me: Me, limit: Limit = 20, cursor: Cursor = None) -> Response:
    """Newest first, grouped: one row per kind and photo (or per kind, for follows) a day."""
    page = await app.get_notifications(me, limit, cursor)
    items = []
    for n in page.items:
        actors = []
        for name in n.actors:
            user = page.users.get(name)
            actors.append(
                Actor(
                    username=name,
                    name=user.name if user else None,
                    avatar_thumb_url=user.avatar_thumb_url if user else None,
                )
            )
        photo = (
            PhotoRef(
                username=n.photo.username,
                photo_id=n.photo.photo_id,
                url=n.photo.url,
                thumbnail_url=n.photo.thumbnail_url,
            )
            if n.photo
            else None
        )
        items.append(
            NotificationOut(
                kind=n.kind,
                actors=actors,
                actor_count=n.actor_count,
                at=n.at,
                unread=n.unread,
                photo=photo,
                preview=n.preview,
            )
        )
    return json({"items": items, "cursor": page.cursor})


@router.get("/api/me/notifications/unread", response_model=Unread)
async def unread(app: Service, me: Me) -> Response:
    """The badge: one read."""
    return json(Unread(unread=await app.unread_notifications(me)))


@router.post("/api/me/notifications/read", status_code=204)
async def mark_read(app: Service, me: Me) -> Response:
    """Everything until now is read."""
    await app.mark_notifications_read(me)
    return Response(status_code=204)
