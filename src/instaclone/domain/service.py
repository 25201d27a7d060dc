"""``InstagramService``: the seed's functions, in snake_case, with the seed's parameters in
the seed's order, on the data layer. Each part lives in its own module:

users · photos · likes · comments · follows · stories · feed · workflows · accounts
"""

from __future__ import annotations

from argon2 import PasswordHasher

from instaclone.data import Table
from instaclone.domain.accounts import AccountOps
from instaclone.domain.feed import FanOutOnReadFeed, Feed
from instaclone.domain.stories import StoryOps
from instaclone.domain.workflows import WorkflowOps


class InstagramService(WorkflowOps, StoryOps, AccountOps):
    def __init__(
        self, table: Table, feed: Feed | None = None, hasher: PasswordHasher | None = None
    ) -> None:
        super().__init__(table)
        self.feed = feed or FanOutOnReadFeed(table)
        # argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4)
        self.hasher = hasher or PasswordHasher()
