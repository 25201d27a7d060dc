"""``instaclone db start|stop|status``: DynamoDB Local as a background process of this install.

The running engine is recorded in ``<home>/engine.json`` so that other commands (serve, demo)
find it and use it instead of starting their own.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from instaclone.engine.install import ensure_engine, require_java
from instaclone.engine.local import LocalEngine, local_credentials, ping
from instaclone.settings import private_home


@dataclass(frozen=True)
class EngineState:
    pid: int
    port: int
    db_path: str

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _state_file(home: Path) -> Path:
    return home / "engine.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def engine_status(home: Path) -> EngineState | None:
    """The background engine of this install if it is running and answering, else None."""
    try:
        state = EngineState(**json.loads(_state_file(home).read_text()))
    except (OSError, ValueError, TypeError):
        return None
    key, _ = local_credentials(home)
    if _alive(state.pid) and ping(state.endpoint, key):
        return state
    return None


def _port_file(home: Path) -> Path:
    return home / "engine-port"


def remembered_port(home: Path) -> int | None:
    """The port this install's engine last used, if it is free now. An engine restarted by
    ``db stop`` / ``db start`` comes back where running servers look for it, so they
    recover by themselves instead of answering 503 until restarted."""
    try:
        port = int(_port_file(home).read_text())
    except (OSError, ValueError):
        return None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Connections of the stopped engine may linger in TIME_WAIT; the engine's own
        # server socket reuses the address, so the probe does too.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return None
    return port


def _remember(home: Path, state: EngineState) -> None:
    _state_file(home).write_text(json.dumps(asdict(state)))
    _port_file(home).write_text(str(state.port))


def start_daemon(home: Path, port: int | None = None) -> tuple[EngineState, bool]:
    """Start the background engine unless it runs already. Returns (state, started_now)."""
    private_home(home)
    running = engine_status(home)
    if running is not None:
        return running, False
    port = port or remembered_port(home)
    require_java()
    jar = ensure_engine(home / "engine")
    key, _ = local_credentials(home)
    engine = LocalEngine(
        jar,
        port=port,
        db_path=home / "data",
        log_path=home / "engine.log",
        access_key=key,
        tied_to_parent=False,
    )
    engine.start()
    assert engine.process is not None
    state = EngineState(pid=engine.process.pid, port=engine.port, db_path=str(home / "data"))
    _remember(home, state)
    return state, True


def stop_daemon(home: Path, timeout: float = 15.0) -> bool:
    """Stop the background engine; True when one was running."""
    state_file = _state_file(home)
    try:
        state = EngineState(**json.loads(state_file.read_text()))
    except (OSError, ValueError, TypeError):
        return False
    stopped = False
    if _alive(state.pid):
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(state.pid) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(state.pid, os.WNOHANG)
            time.sleep(0.05)
        if _alive(state.pid):
            os.kill(state.pid, signal.SIGKILL)
        stopped = True
    state_file.unlink(missing_ok=True)
    return stopped


@contextlib.contextmanager
def lease_engine(home: Path, port: int | None = None) -> Iterator[EngineState]:
    """The install's running engine, or one started for the life of this block.

    An engine started here is recorded in the state file too, so other commands of the same
    install use it rather than opening the same database files a second time.
    """
    private_home(home)
    running = engine_status(home)
    if running is not None:
        yield running
        return
    port = port or remembered_port(home)
    require_java()
    jar = ensure_engine(home / "engine")
    key, _ = local_credentials(home)
    engine = LocalEngine(
        jar, port=port, db_path=home / "data", log_path=home / "engine.log", access_key=key
    )
    engine.start()
    assert engine.process is not None
    state = EngineState(pid=engine.process.pid, port=engine.port, db_path=str(home / "data"))
    _remember(home, state)
    try:
        yield state
    finally:
        engine.stop()
        _state_file(home).unlink(missing_ok=True)
