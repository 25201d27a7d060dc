"""The feed's numbers, in one place (and from settings in the running product)."""

from __future__ import annotations

from dataclasses import dataclass

DAY = 24 * 3600


@dataclass(frozen=True)
class FeedPolicy:
    lifetime: int = 30 * DAY
    """A feed item expires (TTL) this long after it was written."""
    max_items: int = 500
    """A feed is trimmed to its newest items (Mastodon keeps 400, Twitter kept 800)."""
    trim_every: int = 32
    """A fan-out trims about one reader's feed in this many (amortised; trimming costs a
    keys-only query of that feed)."""
    celebrity_on: int = 10_000
    """An account with at least this many followers is read by pull, not fanned out to."""
    celebrity_off: int = 8_000
    """…and is fanned out to again once below this (hysteresis: no flapping at the line)."""
    backfill: int = 20
    """Following someone puts this many of their latest photos in your feed."""
    max_pulled: int = 20
    """At most this many pulled accounts are merged into one reader's feed and tray."""
    pull_cache_seconds: float = 10.0
    """A pulled account's latest photos and stories are cached this long per process."""
    rebuild_followees: int = 1_000
    """An empty or expired feed is rebuilt once by pull from at most this many followees."""
    rebuild_items: int = 60
    """…and gets this many photos."""
    max_page: int = 20
    """A feed page holds at most this many photos, so that what it reads with them (each
    photo, the reader's like and save of it, each author's profile and follow: at most
    5 × 20 keys) fits one BatchGetItem of 100."""
    fanout_concurrency: int = 8
    """BatchWriteItem calls in flight during one fan-out."""

    def is_celebrity(self, follower_count: int, now_celebrity: bool) -> bool:
        if now_celebrity:
            return follower_count >= self.celebrity_off
        return follower_count >= self.celebrity_on
