"""Reading an uploaded file with a hard size limit."""

from __future__ import annotations

from fastapi import UploadFile

from instaclone.api.errors import ApiError

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
