"""Where instaclone keeps its things and which DynamoDB it talks to, read from the environment.

The standard AWS variables decide the endpoint, region and credentials; the INSTACLONE_*
variables cover what AWS has no variable for (table name, data folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TABLE = "InstagramClone"
DEFAULT_REGION = "us-east-1"
DEFAULT_TTL_ATTRIBUTE = "expiresAt"


@dataclass(frozen=True)
class Settings:
    home: Path
    """Data folder: DynamoDB Local's jar cache, its database files, credentials, logs."""
    table_name: str
    ttl_attribute: str
    endpoint: str | None
    """An explicit DynamoDB endpoint (AWS or compatible). None: use the embedded engine."""
    region: str
    db_port: int | None
    """Port for the embedded engine; None picks a free one."""

    @property
    def embedded(self) -> bool:
        return self.endpoint is None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        endpoint = (
            e.get("INSTACLONE_DYNAMODB_ENDPOINT")
            or e.get("AWS_ENDPOINT_URL_DYNAMODB")
            or e.get("AWS_ENDPOINT_URL")
            or None
        )
        if e.get("INSTACLONE_USE_AWS", "").lower() in {"1", "true", "yes"} and endpoint is None:
            endpoint = f"https://dynamodb.{e.get('AWS_REGION', DEFAULT_REGION)}.amazonaws.com"
        port = e.get("INSTACLONE_DB_PORT")
        return cls(
            home=Path(e.get("INSTACLONE_HOME", ".instaclone")).absolute(),
            table_name=e.get("INSTACLONE_TABLE", DEFAULT_TABLE),
            ttl_attribute=e.get("INSTACLONE_TTL_ATTRIBUTE", DEFAULT_TTL_ATTRIBUTE),
            endpoint=endpoint,
            region=e.get("AWS_REGION") or e.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
            db_port=int(port) if port else None,
        )
