"""``InstagramService``: the seed's functions, in snake_case, with the seed's parameters in
the seed's order, on the data layer. Each part lives in its own module:

users · photos · likes · comments · follows · stories · feed · workflows
"""

from __future__ import annotations

from instaclone.data import Table
from instaclone.domain.feed import FanOutOnReadFeed, Feed
from instaclone.domain.stories import StoryOps
from instaclone.domain.workflows import WorkflowOps


class InstagramService(WorkflowOps, StoryOps):
    def __init__(self, table: Table, feed: Feed | None = None) -> None:
        super().__init__(table)
        self.feed = feed or FanOutOnReadFeed(table)
