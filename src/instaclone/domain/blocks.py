"""Blocking: someone you block can no longer follow you, message you, like or comment on
your photos (nor you theirs); the follows between you end, and what they did and do no
longer shows in your notifications. They are not told.

A block is one item (``BLOCKS#{you}`` / ``USER#{them}``). Follows, messages, likes and
comments check, in the transaction that writes them, that no block stands either way, so
one racing a block cannot land after it; what stood before it (the follows, a request of
theirs waiting in your Requests, their part of your notifications) is ended by the pipeline
from the block's INSERT (``part_ways``), only while the block still stands.
"""

from __future__ import annotations

import contextlib

from instaclone.data import ConditionFailedError, Page, TransactionCancelledError, attr
from instaclone.domain.block_checks import has_blocked
from instaclone.domain.errors import (
    InvalidInputError,
    NotFollowingError,
    NotFoundError,
    PreconditionFailedError,
    UserNotFoundError,
)
from instaclone.domain.follows import FollowOps
from instaclone.domain.messages import MessageOps, conversation_id
from instaclone.domain.models import Block, InboxEntry, User
from instaclone.domain.notifications import NotificationOps


class BlockOps(FollowOps, NotificationOps, MessageOps):
    async def block_user(self, username: str, blocked: str) -> bool:
        """Block someone; True if they were not blocked before (blocking twice is one)."""
        me, them = self.username(username), self.username(blocked)
        if me == them:
            raise InvalidInputError("you cannot block yourself")
        transaction = (
            self.table.transaction()
            .add(
                self.table.entity(Block).put(Block(username=me, blocked=them)).if_not_exists(),
                label="block",
            )
            .add(self.users.check(attr("username").exists(), username=them), label="user")
        )
        try:
            await transaction.execute()
        except TransactionCancelledError as cancelled:
            failed = {r.label for r in cancelled.reasons if r.code == "ConditionalCheckFailed"}
            if "user" in failed:
                raise UserNotFoundError(them) from cancelled
            if "block" in failed:
                return False
            self.explain(cancelled, {})
        return True

    async def unblock_user(self, username: str, blocked: str) -> bool:
        """Unblock someone; True if they were blocked. Follows ended by the block stay ended."""
        me, them = self.username(username), self.username(blocked)
        try:
            await self.table.entity(Block).delete(username=me, blocked=them).must_exist().execute()
        except ConditionFailedError:
            return False
        return True

    async def is_blocked(self, username: str, other: str) -> bool:
        """Whether ``username`` blocks ``other``."""
        return await has_blocked(self.table, self.username(username), self.username(other))

    async def get_blocked_paginated(
        self, username: str, limit: int = 50, cursor: str | None = None
    ) -> Page[User]:
        """Those ``username`` blocks, by username (only they may see it)."""
        query = self.table.entity(Block).query(username=self.username(username))
        page = await query.limit(self.limit(limit)).after(cursor).execute()
        users = await self.users_in_order([b.blocked for b in page.items])
        return Page(users, page.cursor, page.count, page.scanned_count)

    async def part_ways(self, username: str, blocked: str) -> None:
        """What a block ends: the follows either way, their request in your Requests, and
        what they did in your notifications. Idempotent (the pipeline's cascade, run again
        after a crash)."""
        me, them = self.username(username), self.username(blocked)
        blocks = self.table.entity(Block)
        # Only while the block stands, checked in each unfollow's own transaction: after an
        # unblock, a follow made anew is theirs to keep (the record may be handled late).
        stands = attr("blocked").exists()
        for follower, followed in ((me, them), (them, me)):
            only_if = blocks.check(stands, username=me, blocked=them)
            try:
                await self.unfollow_user(follower, followed, only_if=only_if)
            except PreconditionFailedError:
                return  # unblocked meanwhile: what they do now is theirs
            except (NotFollowingError, UserNotFoundError):
                pass
        cid = conversation_id(me, them)
        inbox = self.table.entity(InboxEntry)
        entry = await inbox.get(username=me, conversation_id=cid).consistent().execute()
        only_if = blocks.check(stands, username=me, blocked=them)
        try:
            if entry is not None and entry.folder == "requests":
                # (accepted or declined meanwhile: nothing waits any more)
                with contextlib.suppress(InvalidInputError, NotFoundError):
                    await self.decline_request(me, cid, only_if=only_if)
            await self.withdraw_actor(me, them, only_if=only_if)
        except PreconditionFailedError:
            return  # unblocked meanwhile: a request or a like made since is theirs to keep
