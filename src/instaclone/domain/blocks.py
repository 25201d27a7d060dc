"""Blocking: someone you block can no longer follow you or message you (nor you them), the
follows between you end, and what they do no longer notifies you. They are not told.

A block is one item (``BLOCKS#{you}`` / ``USER#{them}``). Follows and messages check, in the
transaction that writes them, that no block stands either way, so a follow racing a block
cannot land after it; the follows that stood before it, and a request of theirs waiting in
your Requests, are ended by the pipeline from the block's INSERT (``part_ways``).
"""

from __future__ import annotations

import contextlib

from instaclone.data import ConditionFailedError, Page, TransactionCancelledError, attr
from instaclone.domain.block_checks import has_blocked
from instaclone.domain.errors import (
    InvalidInputError,
    NotFollowingError,
    NotFoundError,
    UserNotFoundError,
)
from instaclone.domain.follows import FollowOps
from instaclone.domain.messages import MessageOps, conversation_id
from instaclone.domain.models import Block, InboxEntry, User


class BlockOps(FollowOps, MessageOps):
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
        """What a block ends: the follows either way, and their request in your Requests.
        Idempotent (the pipeline's cascade, run again after a crash)."""
        me, them = self.username(username), self.username(blocked)
        for follower, followed in ((me, them), (them, me)):
            with contextlib.suppress(NotFollowingError, UserNotFoundError):
                await self.unfollow_user(follower, followed)
        cid = conversation_id(me, them)
        inbox = self.table.entity(InboxEntry)
        entry = await inbox.get(username=me, conversation_id=cid).consistent().execute()
        if entry is not None and entry.folder == "requests":
            # (accepted or declined meanwhile: nothing waits any more)
            with contextlib.suppress(InvalidInputError, NotFoundError):
                await self.decline_request(me, cid)
