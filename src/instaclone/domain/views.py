"""Composite results of the seed's workflows: an entity plus what was gathered around it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import Field

from instaclone.domain.models import Comment, Photo, User


class CommentWithUser(Comment):
    """A comment with its author's profile (None if the author no longer exists)."""

    user: User | None = None


class PhotoDetails(Photo):
    user: User | None = None
    """The author's profile."""
    comments: list[CommentWithUser] = Field(default_factory=list)
    recent_likers: list[User] = Field(default_factory=list)
    total_likes: int = 0


class CompleteProfile(User):
    photos: list[Photo] = Field(default_factory=list)
    followers: list[User] = Field(default_factory=list)
    following: list[User] = Field(default_factory=list)


@dataclass(frozen=True)
class FeedPage:
    items: list[Photo]
    cursor: str | None
    """Pass back to get_user_feed for the next (older) page; None at the end."""
    liked: set[str] = field(default_factory=set)
    """Which of these photos the reader has liked (read with them, no extra call)."""
    saved: set[str] = field(default_factory=set)
    """Which of these photos the reader has saved."""
    authors: dict[str, User] = field(default_factory=dict)
    """The profiles of these photos' authors (for their pictures and names)."""


@dataclass(frozen=True)
class TrayItem:
    username: str
    story_id: str
    """The account's latest live story."""
    expires_at: int


@dataclass(frozen=True)
class TrayPage:
    items: list[TrayItem]
    """The reader's own story first, then followees with a live story."""
    cursor: str | None
