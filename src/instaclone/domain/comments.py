"""Comments: counted on the photo; only the author edits, author or photo owner deletes."""

from __future__ import annotations

from instaclone.data import (
    CancellationReason,
    Page,
    attr,
)
from instaclone.domain.base import ServiceBase
from instaclone.domain.block_checks import block_errors, check_no_block
from instaclone.domain.errors import (
    CommentNotFoundError,
    DomainError,
    NotAllowedError,
    PhotoNotFoundError,
    UserNotFoundError,
)
from instaclone.domain.models import Comment
from instaclone.domain.views import CommentWithUser


class CommentOps(ServiceBase):
    async def comment_on_photo(
        self, photo_id: str, photo_owner: str, commenting_username: str, content: str
    ) -> Comment:
        photo_id = self.identifier(photo_id, "photo")
        owner, author = self.username(photo_owner), self.username(commenting_username)
        text = self.text(content, "a comment")
        comment = self.comments.create(
            photo_id=photo_id,
            commenting_username=author,
            content=text,
            mentions=await self.existing_mentions(text),
            photo_owner=owner,
        )
        transaction = (
            self.table.transaction()
            .add(comment, label="comment")
            .add(
                self.photos.update(username=owner, photo_id=photo_id).add("comment_count", 1),
                label="photo",
            )
            .add(self.users.check(attr("username").exists(), username=author), label="user")
        )
        if author != owner:
            check_no_block(transaction, self.table, author, owner)
        await self.run(
            transaction,
            photo=lambda _: PhotoNotFoundError(photo_id, owner),
            user=lambda _: UserNotFoundError(author),
            **block_errors(author, owner, "comment on photos of"),
        )
        return comment.result()

    async def get_photo_comments(self, photo_id: str, limit: int = 50) -> list[CommentWithUser]:
        """Oldest first, each with its author's profile."""
        page = await self.get_photo_comments_paginated(photo_id, limit)
        return page.items

    async def get_photo_comments_paginated(
        self, photo_id: str, limit: int = 20, cursor: str | None = None
    ) -> Page[CommentWithUser]:
        query = self.comments.query(photo_id=self.identifier(photo_id, "photo"))
        page = await query.limit(self.limit(limit)).after(cursor).execute()
        return Page(
            await self.with_authors(page.items), page.cursor, page.count, page.scanned_count
        )

    async def with_authors(self, comments: list[Comment]) -> list[CommentWithUser]:
        if not comments:
            return []
        # One lookup per distinct author, however many times each commented.
        users = await self.users.batch_get(
            {"username": c.commenting_username} for c in comments
        ).execute()
        return [
            CommentWithUser.model_validate({**comment.__dict__, "user": user})
            for comment, user in zip(comments, users.results, strict=True)
        ]

    async def delete_comment(
        self, photo_id: str, comment_id: str, photo_owner: str, *, acting_username: str
    ) -> None:
        """The comment's author or the photo's owner may delete it. ``photo_owner`` is checked
        by the transaction itself: the photo must exist under that owner."""
        photo_id = self.identifier(photo_id, "photo")
        comment_id = self.identifier(comment_id, "comment")
        owner, actor = self.username(photo_owner), self.username(acting_username)
        delete = self.comments.delete(photo_id=photo_id, comment_id=comment_id).must_exist()
        if actor != owner:
            delete.condition(attr("commenting_username") == actor)

        def comment_failed(reason: CancellationReason) -> DomainError:
            if reason.item is None:
                return CommentNotFoundError(comment_id)
            return NotAllowedError("only the comment's author or the photo's owner may delete it")

        await self.run(
            self.table.transaction()
            .add(delete, label="comment")
            .add(
                self.decrement(self.photos, "comment_count", username=owner, photo_id=photo_id),
                label="photo",
            ),
            comment=comment_failed,
            photo=lambda _: PhotoNotFoundError(photo_id, owner),
        )

    async def update_comment(
        self, photo_id: str, comment_id: str, commenting_username: str, new_content: str
    ) -> Comment:
        """Only the author may edit a comment, and not while a block stands between them and
        the photo's owner (an edit is a new word on their photo, as a comment is)."""
        key = {
            "photo_id": self.identifier(photo_id, "photo"),
            "comment_id": self.identifier(comment_id, "comment"),
        }
        author = self.username(commenting_username)
        text = self.text(new_content, "a comment")
        current = await self.comments.get(**key).consistent().execute()
        if current is None:
            raise CommentNotFoundError(comment_id)
        update = (
            self.comments.update(**key)
            .set("content", text)
            .set("mentions", await self.existing_mentions(text))
            .condition(attr("commenting_username") == author)
        )
        transaction = self.table.transaction().add(update, label="comment")
        owner = current.photo_owner
        if owner is not None and owner != author:
            check_no_block(transaction, self.table, author, owner)
        await self.run(
            transaction,
            comment=lambda reason: (
                NotAllowedError("only the comment's author may edit it")
                if reason.item is not None
                else CommentNotFoundError(comment_id)
            ),
            **(block_errors(author, owner, "comment on photos of") if owner else {}),
        )
        edited = await self.comments.get(**key).consistent().execute()
        if edited is None:  # deleted the moment after
            raise CommentNotFoundError(comment_id)
        return edited
