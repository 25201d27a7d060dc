"""What a block ends: the follows between the two, and a request of theirs waiting in the
blocker's Requests. Run from the block's INSERT, so a crash between the block and this
leaves nothing standing for good (the record stays in the stream until handled)."""

from __future__ import annotations

from instaclone.domain import Block, InstagramService
from instaclone.events.records import INSERT, StreamRecord
from instaclone.events.router import Router

router = Router()


@router.on(Block, INSERT)
async def part_ways(record: StreamRecord, app: InstagramService) -> None:
    block: Block = record.new
    await app.part_ways(block.username, block.blocked)
