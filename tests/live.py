"""The real product as a subprocess (``instaclone serve``) on a free port, talking to the
test session's DynamoDB Local; it dies with the test process."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from instaclone.engine.local import _die_with_parent, free_port
from tests.conftest import docs_ui

_tables = itertools.count()


@contextmanager
def live_server(
    endpoint: str, home: Path, *, args: Sequence[str] = (), **env: str
) -> Iterator[str]:
    """``args`` go after ``serve --port P`` (``--workers 2``, say)."""
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INSTACLONE_"))},
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_ACCESS_KEY_ID": "tests",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "us-east-1",
        "INSTACLONE_HOME": str(home),
        "INSTACLONE_TABLE": f"live{os.getpid()}x{next(_tables)}",
        "INSTACLONE_FAST_HASHING": "1",
        "INSTACLONE_NO_RATE_LIMITS": "1",
        "INSTACLONE_DOCS_UI": str(docs_ui()),
        "INSTACLONE_FETCH_HOSTS": "none",  # the fuzz and the browser reach no other site
        **env,
    }
    log = open(home / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "instaclone.cli", "serve", "--port", str(port), *args],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError((home / "server.log").read_text())
            try:
                urllib.request.urlopen(url + "/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def serving_processes(url: str) -> dict[int, list[bytes]]:
    """The ``instaclone serve`` processes listening at ``url`` (a pool's parent and its
    workers, which carry ``--shared-port``), by pid, with their command lines."""
    port = url.rsplit(":", 1)[1].encode()
    found: dict[int, list[bytes]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in command and port in command:
            found[int(entry.name)] = command
    return found


def server_pid(url: str) -> int:
    """The serving process itself (a pool's parent, not one of its workers)."""
    for pid, command in serving_processes(url).items():
        if b"--shared-port" not in command:
            return pid
    raise RuntimeError(f"no server process at {url}")
