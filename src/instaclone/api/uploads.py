"""Reading an uploaded file with a hard size limit, and rendering it with a bounded number
of decodes at once (each may hold up to images.MAX_DECODE_MEMORY)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import UploadFile

from instaclone.api.errors import ApiError
from instaclone.media import Renditions, render, render_avatar

CHUNK = 1 << 16


async def read_upload(file: UploadFile, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"a file may be at most {limit // (1 << 20)} MiB")
        chunks.append(chunk)
    if not size:
        raise ApiError(422, "invalid_image", "the file is empty")
    return b"".join(chunks)


class Renderer:
    """At most ``at_once`` decodes run (one per core is all the CPU there is); at most
    ``waiting`` more queue for a turn; beyond that an upload gets 503 with Retry-After, so a
    storm of uploads costs bounded memory instead of all of it."""

    def __init__(self, at_once: int = 2, waiting: int = 8) -> None:
        self.gate = asyncio.Semaphore(at_once)
        self.capacity = at_once + waiting
        self.inside = 0

    async def render(self, data: bytes) -> Renditions:
        """A photo's renditions."""
        return await self._run(render, data)

    async def render_avatar(self, data: bytes) -> Renditions:
        """A profile picture's renditions (square)."""
        return await self._run(render_avatar, data)

    async def _run(self, work: Callable[[bytes], Renditions], data: bytes) -> Renditions:
        if self.inside >= self.capacity:
            raise ApiError(
                503,
                "busy",
                "too many images are being processed right now; try again in a moment",
                {"Retry-After": "2"},
            )
        self.inside += 1
        try:
            async with self.gate:
                return await asyncio.to_thread(work, data)
        finally:
            self.inside -= 1
