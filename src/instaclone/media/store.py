"""Where media files go: a local folder (default, served by the app) or an S3 bucket."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from instaclone.media.images import Renditions

log = logging.getLogger(__name__)

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,200}")


class StorageFullError(OSError):
    """No room left to store a file (the disk or quota is full)."""


class StorageUnavailableError(OSError):
    """The media bucket failed or refused a request (unreachable, throttling, denied)."""


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key or "//" in key:
        raise ValueError(f"invalid media key {key!r}")
    return key


class MediaStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store ``data`` under ``key``; returns the URL it is served at."""
        ...

    async def delete(self, keys: list[str]) -> None: ...


@dataclass(frozen=True)
class StoredImage:
    url: str
    thumbnail_url: str
    keys: list[str]
    """Both files' keys, kept with the record that shows them (deleted with it)."""


@asynccontextmanager
async def stored_renditions(
    store: MediaStore, renditions: Renditions, large_key: str, small_key: str
) -> AsyncIterator[StoredImage]:
    """Both renditions stored, for the block to write the record that points at them. If
    storing the second or the block fails (the record was refused), the files are deleted:
    nothing is left behind, and the caller hears the failure that mattered."""
    keys = [large_key, small_key]
    try:
        url = await store.put(large_key, renditions.large, renditions.content_type)
        thumbnail_url = await store.put(small_key, renditions.small, renditions.content_type)
        yield StoredImage(url, thumbnail_url, keys)
    except Exception:
        try:
            await store.delete(keys)
        except OSError:  # the store is failing too: the first failure is the one to tell
            log.warning("could not delete %s after a failed upload", keys, exc_info=True)
        raise


class LocalMediaStore:
    def __init__(self, root: Path, url_prefix: str = "/media") -> None:
        self.root = root
        self.url_prefix = url_prefix.rstrip("/")

    def path_of(self, key: str) -> Path:
        return self.root / check_key(key)

    def _write(self, key: str, data: bytes) -> None:
        path = self.path_of(key)
        for folder in reversed([path.parent, *path.parent.parents]):
            if folder == self.root or self.root in folder.parents:
                folder.mkdir(mode=0o700, exist_ok=True)  # parents too: private like the rest
        tmp = path.with_suffix(path.suffix + ".part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # readers never see half a file
        except OSError as error:
            tmp.unlink(missing_ok=True)  # a failed write leaves nothing behind
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFullError("the media storage is full") from error
            raise

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        await asyncio.to_thread(self._write, key, data)
        return f"{self.url_prefix}/{key}"

    async def delete(self, keys: list[str]) -> None:
        def remove() -> None:
            for key in keys:
                self.path_of(key).unlink(missing_ok=True)

        await asyncio.to_thread(remove)


class S3MediaStore:
    """An S3 bucket (``INSTACLONE_MEDIA_BUCKET``), objects served from ``public_url``
    (the bucket's website or a CDN in front of it). botocore runs in worker threads."""

    def __init__(self, bucket: str, public_url: str, region: str, client: Any = None) -> None:
        self.bucket = bucket
        self.public_url = public_url.rstrip("/")
        if client is None:
            import botocore.session

            client = botocore.session.get_session().create_client("s3", region_name=region)
        self.client = client

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        await self._call(
            "storing",
            self.client.put_object,
            Bucket=self.bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=31536000, immutable",
        )
        return f"{self.public_url}/{key}"

    async def delete(self, keys: list[str]) -> None:
        if keys:
            response = await self._call(
                "deleting",
                self.client.delete_objects,
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": check_key(k)} for k in keys], "Quiet": True},
            )
            failed = response.get("Errors") if isinstance(response, dict) else None
            if failed:
                raise StorageUnavailableError(
                    f"deleting from bucket {self.bucket}: {len(failed)} file(s) were not "
                    f"deleted ({failed[0].get('Code')})"
                )

    async def _call(self, doing: str, method: Any, **arguments: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(method, **arguments)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            raise StorageUnavailableError(
                f"{doing} in bucket {self.bucket} was refused ({code})"
            ) from error
        except BotoCoreError as error:
            raise StorageUnavailableError(
                f"{doing} in bucket {self.bucket} failed ({error})"
            ) from error
