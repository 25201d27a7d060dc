"""What an open page hears without reloading: changes read from the table's stream by each
API process (so several processes all hear every change, whichever wrote it), sent to the
signed-in people they concern as server-sent events."""

from instaclone.live.hub import LiveEvent, LiveHub
from instaclone.live.tail import StreamTail

__all__ = ["LiveEvent", "LiveHub", "StreamTail"]
