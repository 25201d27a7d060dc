"""Photo and story media: image checks and renditions, and where the files are stored."""

from instaclone.media.images import InvalidImageError, Renditions, render, render_avatar
from instaclone.media.store import (
    LocalMediaStore,
    MediaStore,
    S3MediaStore,
    StorageFullError,
    StorageUnavailableError,
    StoredImage,
    stored_renditions,
)

__all__ = [
    "InvalidImageError",
    "LocalMediaStore",
    "MediaStore",
    "Renditions",
    "S3MediaStore",
    "StorageFullError",
    "StorageUnavailableError",
    "StoredImage",
    "render",
    "render_avatar",
    "stored_renditions",
]
