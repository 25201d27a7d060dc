"""Request bodies and response shapes of the API (JSON keys are camelCase, like the table)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from starlette.responses import Response

from instaclone.data import Page
from instaclone.domain import Frame, Photo, User

T = TypeVar("T")


class Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class SignUp(Body):
    username: str = Field(min_length=1, max_length=30, examples=["juanca"])
    name: str = Field(min_length=1, max_length=100, examples=["Juan Carlos Bondi"])
    password: str = Field(min_length=8, max_length=256)


class LogIn(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordChange(Body):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class SessionInfo(Body):
    session_id: str
    created_at: datetime | None = None
    last_seen_at: int | None = None
    """Epoch seconds (updated at most hourly)."""
    expires_at: int
    client: str | None = None
    """The browser or program that signed in (its User-Agent)."""
    current: bool = False
    """The session making this request."""


class ProfileUpdate(Body):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    bio: str | None = Field(
        default=None,
        max_length=1000,
        description="at most 150 characters once trimmed; empty to remove; @mentions and "
        "#tags link",
    )
    website: str | None = Field(
        default=None, max_length=200, description="http(s) only; empty to remove"
    )


class CaptionUpdate(Body):
    caption: str | None = Field(default=None, max_length=2200, description="empty to remove")


class Saved(Body):
    saved: bool


class PhotoFromUrl(Body):
    url: str = Field(min_length=1, max_length=2048, examples=["https://photos.example/1.jpg"])
    caption: str | None = Field(default=None, max_length=2200)


class CommentIn(Body):
    content: str = Field(min_length=1, max_length=2200)


class StoryIn(Body):
    frames: list[Frame] = Field(min_length=1, max_length=20)
    city: str | None = Field(default=None, max_length=100)


class SessionOut(Body):
    token: str
    user: User


class PageOut(Body, Generic[T]):
    items: list[T]
    cursor: str | None = None


class Following(Body):
    following: bool


class Blocked(Body):
    blocked: bool


class RelationOut(Body):
    username: str
    following: bool
    """You follow them."""
    follows_you: bool
    blocked: bool
    """You block them (whether they block you is never told)."""


class Liked(Body):
    liked: bool


class UserMatchOut(Body):
    username: str
    name: str
    avatar_thumb_url: str | None = None
    exact: bool = False
    """The query is this username exactly."""


class PhotoSeen(Photo):
    """A photo with whether you liked and saved it (and its author, in the home feed)."""

    liked_by_me: bool = False
    saved_by_me: bool = False
    user: User | None = None


class TagPageOut(PageOut[PhotoSeen]):
    tag: str
    photo_count: int


def dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Page):
        return {"items": [dump(v) for v in value.items], "cursor": value.cursor}
    if isinstance(value, list):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    return value


def json(value: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(dump(value)), status, media_type="application/json")
