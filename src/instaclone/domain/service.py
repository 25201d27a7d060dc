"""``InstagramService``: the seed's functions, in snake_case, with the seed's parameters in
the seed's order, on the data layer. Each part lives in its own module:

users · photos · likes · comments · follows · stories · feed · workflows · accounts ·
search · hashtags · explore · saved · notifications · messages · blocks · relations
"""

from __future__ import annotations

from argon2 import PasswordHasher

from instaclone.data import Table
from instaclone.domain.accounts import AccountOps
from instaclone.domain.blocks import BlockOps
from instaclone.domain.explore import ExploreOps
from instaclone.domain.feed import Feed, FeedPolicy, FeedWriter, PushFeed, StoryTray
from instaclone.domain.hashtags import HashtagOps
from instaclone.domain.messages import MessageOps
from instaclone.domain.notifications import NotificationOps
from instaclone.domain.relations import RelationOps
from instaclone.domain.saved import SavedOps
from instaclone.domain.search import SearchOps
from instaclone.domain.stories import StoryOps
from instaclone.domain.workflows import WorkflowOps


class InstagramService(
    WorkflowOps,
    StoryOps,
    AccountOps,
    SearchOps,
    HashtagOps,
    ExploreOps,
    SavedOps,
    BlockOps,
    RelationOps,
    NotificationOps,
    MessageOps,
):
    def __init__(
        self,
        table: Table,
        feed: Feed | None = None,
        hasher: PasswordHasher | None = None,
        policy: FeedPolicy | None = None,
    ) -> None:
        super().__init__(table)
        self.policy = policy or FeedPolicy()
        push = PushFeed(table, self.policy)
        self.feed = feed or push
        """The home feed as read (the push feed; the benchmark swaps in the seed's pull)."""
        self.tray = StoryTray(table, push)
        self.feed_writer = FeedWriter(table, self.policy)
        """What the event pipeline calls to write feeds and trays after a write."""
        # argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4)
        self.hasher = hasher or PasswordHasher()
