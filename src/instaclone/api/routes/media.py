"""Local media files, when no S3 bucket is configured."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from starlette.responses import FileResponse, Response

from instaclone.api.errors import ApiError
from instaclone.media import LocalMediaStore

router = APIRouter(tags=["media"])


@router.get("/media/{key:path}", include_in_schema=False)
async def media_file(request: Request, key: str = Path(max_length=300)) -> Response:
    store = request.app.state.media
    if not isinstance(store, LocalMediaStore):
        raise ApiError(404, "not_found", "media are not served here")
    try:
        path = store.path_of(key)
    except ValueError:
        raise ApiError(404, "not_found", "no such file") from None
    if not path.is_file():
        raise ApiError(404, "not_found", "no such file")
    return FileResponse(
        path,
        media_type="image/jpeg",
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )
