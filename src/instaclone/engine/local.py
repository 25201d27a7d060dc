"""Run DynamoDB Local as a child process on a free local port.

DynamoDB Local cannot bind to loopback only (it listens on every interface), and by default it
answers any CORS origin. We restrict CORS to an origin no browser will ever send, and give each
install its own random access key without ``-sharedDb``: DynamoDB Local keeps one database file
per access key and region, so a client without that key sees none of the data.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import signal
import socket
import string
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

# An origin that cannot exist (RFC 2606 .invalid): browsers never send it, so no page may
# call the engine cross-origin.
CORS_ORIGIN = "https://no-browser-access.invalid"
LOCAL_REGION = "us-east-1"


class EngineError(RuntimeError):
    """DynamoDB Local did not start, or stopped unexpectedly."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def local_credentials(home: Path) -> tuple[str, str]:
    """This install's random access key for DynamoDB Local (letters and digits only)."""
    path = home / "local-credentials.json"
    try:
        data = json.loads(path.read_text())
        return str(data["accessKeyId"]), str(data["secretAccessKey"])
    except (OSError, ValueError, KeyError):
        pass
    alphabet = string.ascii_uppercase + string.digits
    key = "IC" + "".join(secrets.choice(alphabet) for _ in range(18))
    secret = secrets.token_urlsafe(30)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"accessKeyId": key, "secretAccessKey": secret}, f)
    return key, secret


def ping(endpoint: str, access_key: str, timeout: float = 1.0) -> bool:
    """True when a DynamoDB endpoint answers a ListTables call (any DynamoDB reply counts)."""
    req = urllib.request.Request(
        endpoint,
        data=b"{}",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            # DynamoDB Local parses the credential scope but does not verify the signature.
            "Authorization": (
                f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/{LOCAL_REGION}/dynamodb/"
                "aws4_request, SignedHeaders=host, Signature=0"
            ),
            "X-Amz-Date": "20260101T000000Z",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return bool(resp.status == 200)
    except urllib.error.HTTPError:
        return True  # it answered, so it is up
    except OSError:
        return False


def _private_files() -> None:
    # The engine's database files are created readable by their owner only.
    os.umask(0o077)


def _engine_child() -> None:
    _private_files()
    _die_with_parent()


def _die_with_parent() -> None:
    # Linux: the engine gets SIGTERM when the process that started it dies, so a crashed
    # test run or server never leaves a JVM behind.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LocalEngine:
    """One DynamoDB Local process. ``db_path=None`` runs it in memory (tests)."""

    def __init__(
        self,
        jar: Path,
        *,
        port: int | None = None,
        db_path: Path | None = None,
        log_path: Path | None = None,
        access_key: str = "instaclone",
        tied_to_parent: bool = True,
    ) -> None:
        self.jar = jar
        self.port = port or free_port()
        self.db_path = db_path
        self.log_path = log_path
        self.access_key = access_key
        self.tied_to_parent = tied_to_parent
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        lib = self.jar.parent / "DynamoDBLocal_lib"
        cmd = [
            "java",
            f"-Djava.library.path={lib}",
            "-jar",
            str(self.jar),
            "-port",
            str(self.port),
            "-disableTelemetry",
            "-cors",
            CORS_ORIGIN,
        ]
        if self.db_path is None:
            cmd.append("-inMemory")
        else:
            cmd += ["-dbPath", str(self.db_path)]
        return cmd

    def start(self, timeout: float = 60.0) -> str:
        if self.db_path is not None:
            self.db_path.mkdir(mode=0o700, parents=True, exist_ok=True)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.jar.parent,
                preexec_fn=_engine_child if self.tied_to_parent else _private_files,
                start_new_session=not self.tied_to_parent,
            )
        finally:
            if log is not subprocess.DEVNULL:
                log.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EngineError(
                    f"DynamoDB Local exited with code {self.process.returncode} while starting"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            if ping(self.endpoint, self.access_key, timeout=0.5):
                return self.endpoint
            time.sleep(0.05)
        self.stop()
        raise EngineError(f"DynamoDB Local did not answer on port {self.port} in {timeout:.0f} s")

    def stop(self, timeout: float = 15.0) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> LocalEngine:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
