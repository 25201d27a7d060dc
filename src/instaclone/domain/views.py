"""Composite results of the seed's workflows: an entity plus what was gathered around it."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from instaclone.domain.models import Comment, Photo, User


class CommentWithUser(Comment):
    """A comment with its author's profile (None if the author no longer exists)."""

    user: User | None = None


class PhotoDetails(Photo):
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
