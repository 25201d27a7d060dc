"""AWS credentials through botocore's full resolver chain (SSO, AssumeRole, web identity,
containers, instance metadata…), which aiodynamo's own chain lacks.

botocore is synchronous: it is asked in a worker thread, and only when the cached key is
about to expire, so it stays off the request path.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiodynamo.credentials import Credentials, Key
from aiodynamo.http.types import HttpImplementation


class BotocoreCredentials(Credentials):
    def __init__(self, profile: str | None = None) -> None:
        self._profile = profile
        self._source: Any = None
        self._key: Key | None = None
        self._lock = asyncio.Lock()

    def _resolve(self) -> Key | None:
        if self._source is None:
            import botocore.session

            session = botocore.session.Session(profile=self._profile)
            self._source = session.get_credentials()
            if self._source is None:
                return None
        frozen = self._source.get_frozen_credentials()
        return Key(frozen.access_key, frozen.secret_key, frozen.token)

    def _stale(self) -> bool:
        if self._key is None:
            return True
        refresh_needed = getattr(self._source, "refresh_needed", None)
        return bool(refresh_needed and refresh_needed())

    async def get_key(self, http: HttpImplementation) -> Key | None:
        if not self._stale():
            return self._key
        async with self._lock:
            if self._stale():
                self._key = await asyncio.to_thread(self._resolve)
        return self._key

    def invalidate(self) -> bool:
        self._key = None
        return True

    def is_disabled(self) -> bool:
        return False
