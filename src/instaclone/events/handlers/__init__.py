"""The pipeline's handlers, one module per concern; ``default_router()`` gathers them.
Later areas (notifications, hashtags, search) add a module and one line here."""

from __future__ import annotations

from instaclone.events.handlers import (
    blocks,
    cascades,
    celebrities,
    explore,
    feed,
    hashtags,
    notifications,
    search,
    stories,
)
from instaclone.events.router import Router


def default_router() -> Router:
    router = Router()
    for module in (
        feed,
        stories,
        cascades,
        celebrities,
        search,
        hashtags,
        explore,
        notifications,
        blocks,
    ):
        router.include(module.router)
    return router
