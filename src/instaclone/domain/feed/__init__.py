"""The home feed and the story tray: written by the event pipeline (fanout.py), read in a
bounded number of calls (push.py); the seed's pull algorithm rebuilds empty feeds (pull.py)."""

from instaclone.domain.feed.fanout import FeedWriter, feed_item, tray_entry, tray_rank
from instaclone.domain.feed.policy import FeedPolicy
from instaclone.domain.feed.pull import FanOutOnReadFeed, Feed
from instaclone.domain.feed.push import PullCache, PushFeed, StoryTray

__all__ = [
    "FanOutOnReadFeed",
    "Feed",
    "FeedPolicy",
    "FeedWriter",
    "PullCache",
    "PushFeed",
    "StoryTray",
    "feed_item",
    "tray_entry",
    "tray_rank",
]
