"""What can go wrong in the Instagram domain, as types a caller can act on."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the domain's errors; nothing was written when one is raised."""


class InvalidInputError(DomainError, ValueError):
    """A value the domain refuses (username, content, frames…)."""


class NotFoundError(DomainError):
    """Something the operation needs does not exist."""


class UserNotFoundError(NotFoundError):
    def __init__(self, username: str) -> None:
        super().__init__(f"user {username!r} does not exist")
        self.username = username


class PhotoNotFoundError(NotFoundError):
    def __init__(self, photo_id: str, owner: str | None = None) -> None:
        whose = f" of {owner!r}" if owner else ""
        super().__init__(f"photo {photo_id!r}{whose} does not exist")
        self.photo_id = photo_id


class CommentNotFoundError(NotFoundError):
    def __init__(self, comment_id: str) -> None:
        super().__init__(f"comment {comment_id!r} does not exist")
        self.comment_id = comment_id


class StoryNotFoundError(NotFoundError):
    def __init__(self, story_id: str) -> None:
        super().__init__(f"story {story_id!r} does not exist")
        self.story_id = story_id


class ConflictError(DomainError):
    """The operation contradicts the current state (duplicate, not there to undo…)."""


class UsernameTakenError(ConflictError):
    def __init__(self, username: str) -> None:
        super().__init__(f"username {username!r} is taken")
        self.username = username


class AlreadyLikedError(ConflictError):
    def __init__(self, username: str, photo_id: str) -> None:
        super().__init__(f"{username!r} already liked photo {photo_id!r}")


class NotLikedError(ConflictError):
    def __init__(self, username: str, photo_id: str) -> None:
        super().__init__(f"{username!r} has not liked photo {photo_id!r}")


class AlreadyFollowingError(ConflictError):
    def __init__(self, follower: str, followed: str) -> None:
        super().__init__(f"{follower!r} already follows {followed!r}")


class NotFollowingError(ConflictError):
    def __init__(self, follower: str, followed: str) -> None:
        super().__init__(f"{follower!r} does not follow {followed!r}")


class SelfFollowError(InvalidInputError):
    def __init__(self, username: str) -> None:
        super().__init__(f"{username!r} cannot follow themselves")


class AlreadyViewedError(ConflictError):
    def __init__(self, story_id: str) -> None:
        super().__init__(f"story {story_id!r} was already viewed by this viewer")
        self.story_id = story_id


class PreconditionFailedError(ConflictError):
    """What an operation was made conditional on no longer holds (nothing was written)."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"{operation}: its precondition no longer holds")


class NotAllowedError(DomainError):
    """The acting user may not do this (edit someone else's comment…)."""


class ContentionError(DomainError):
    """Too many concurrent writers on the same items: the retries ran out. Try again."""


class BlockedError(NotAllowedError):
    """One of two people blocked the other: no follow, no message between them."""

    def __init__(self, actor: str, other: str, *, by_actor: bool, doing: str) -> None:
        """``doing`` reads before the other's name: "follow", "comment on photos of"."""
        if by_actor:
            super().__init__(f"you blocked {other!r}: unblock them first")
        else:
            super().__init__(f"you can't {doing} {other!r}")
        self.actor, self.other, self.by_actor = actor, other, by_actor
