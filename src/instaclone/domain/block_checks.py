"""What the rest of the domain checks of blocks (``blocks.py`` makes and lists them): a
follow, a message, a like or a comment on someone else's photo is written only if, in the
same transaction, no block stands either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from instaclone.data import Table, TransactWrite, attr
from instaclone.domain.errors import BlockedError
from instaclone.domain.models import Block

BLOCKED_BY = "blocked_by"
"""The label of the check that the other has not blocked the actor."""
BLOCKING = "blocking"
"""The label of the check that the actor has not blocked the other."""


def check_no_block(transaction: TransactWrite, table: Table, actor: str, other: str) -> None:
    """Make ``transaction`` fail (see ``blocked_error``) if either blocked the other."""
    blocks = table.entity(Block)
    none = attr("blocked").not_exists()
    transaction.add(blocks.check(none, username=other, blocked=actor), label=BLOCKED_BY)
    transaction.add(blocks.check(none, username=actor, blocked=other), label=BLOCKING)


def block_errors(actor: str, other: str, doing: str) -> dict[str, Callable[[Any], BlockedError]]:
    """The errors for ``ServiceBase.run``, by the labels of ``check_no_block``."""
    return {
        BLOCKING: lambda _: BlockedError(actor, other, by_actor=True, doing=doing),
        BLOCKED_BY: lambda _: BlockedError(actor, other, by_actor=False, doing=doing),
    }


def blocked_error(failed: set[str], actor: str, other: str, doing: str) -> BlockedError | None:
    """The error for a transaction of ``check_no_block`` whose checks ``failed``, if any."""
    if BLOCKING in failed:
        return BlockedError(actor, other, by_actor=True, doing=doing)
    if BLOCKED_BY in failed:
        return BlockedError(actor, other, by_actor=False, doing=doing)
    return None


async def has_blocked(table: Table, username: str, other: str) -> bool:
    """Whether ``username`` blocks ``other`` (one GetItem)."""
    found = await table.entity(Block).get(username=username, blocked=other).execute()
    return found is not None
