"""Where instaclone keeps its things and which DynamoDB it talks to, read from the environment.

The standard AWS variables decide the endpoint, region and credentials; the INSTACLONE_*
variables cover what AWS has no variable for (table name, data folder).
"""

from __future__ import annotations

import functools
import os
import secrets
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
    host: str = "127.0.0.1"
    port: int = 8000
    media_bucket: str | None = None
    """S3 bucket for photos; None keeps them in <home>/media, served by the app."""
    media_public_url: str | None = None
    fast_hashing: bool = False
    """Cheap argon2 parameters, for tests and load runs only."""
    rate_limits: bool = True
    secure_cookies: bool = False
    """Mark cookies Secure (set when serving over HTTPS)."""
    fetch_hosts: str | None = None
    """Where photos "from a URL" may be fetched: unset, any public host; ``none``, nowhere;
    or a comma-separated list of host[:port] (tests name a stand-in server)."""
    docs_ui: Path | None = None
    """Where the vendored Swagger UI is (default: <home>/docs-ui/…)."""
    pipeline_in_process: bool = True
    """``serve`` runs the stream consumer in-process (off when Lambda or a separate
    ``instaclone worker`` does it)."""
    pipeline_lease_seconds: float = 20.0
    """How long a stream consumer's shard lease lasts unrenewed: a dead consumer's shards
    are taken over after this."""
    trusted_proxies: str | None = None
    """Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed."""
    body_timeout: float = 30.0
    """Seconds a request body may stall between two chunks before the request gets 408."""
    max_connections_per_address: int = 100
    """Connections one address may hold at once (trusted proxies excepted)."""
    header_timeout: float = 10.0
    """Seconds a client has to send a request's head (slow clients are cut off)."""
    celebrity_followers: int = 10_000
    """Accounts with this many followers are read by pull instead of fanned out to."""
    metrics: bool = True
    """Prometheus metrics at /metrics (request latency, DynamoDB calls, pipeline lag)."""
    live: str = "stream"
    """``stream``: /api/me/events stays open, fed by this process's reader of the table's
    stream; ``poll``: it answers what is new and ends, and the page asks again in 10 s
    (where an answer cannot stay open, as on Lambda)."""
    metrics_token: str | None = None
    """When set, /metrics wants it as a bearer token (else: loopback and private addresses)."""
    log_level: str = "info"
    """JSON log lines at this level and above; ``info`` includes one line per request."""
    secret_arn: str | None = None
    """A Secrets Manager secret holding the install's secret, read once at start (when
    INSTACLONE_SECRET is not given)."""

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
            host=e.get("INSTACLONE_HOST", "127.0.0.1"),
            port=int(e.get("INSTACLONE_PORT", "8000")),
            media_bucket=e.get("INSTACLONE_MEDIA_BUCKET") or None,
            media_public_url=e.get("INSTACLONE_MEDIA_PUBLIC_URL") or None,
            fast_hashing=_flag(e.get("INSTACLONE_FAST_HASHING")),
            rate_limits=not _flag(e.get("INSTACLONE_NO_RATE_LIMITS")),
            secure_cookies=_flag(e.get("INSTACLONE_SECURE_COOKIES")),
            fetch_hosts=e.get("INSTACLONE_FETCH_HOSTS"),
            docs_ui=Path(e["INSTACLONE_DOCS_UI"]) if e.get("INSTACLONE_DOCS_UI") else None,
            pipeline_in_process=e.get("INSTACLONE_PIPELINE", "in-process").lower()
            not in {"off", "0", "false", "no"},
            pipeline_lease_seconds=float(e.get("INSTACLONE_PIPELINE_LEASE_SECONDS", "20")),
            trusted_proxies=e.get("INSTACLONE_TRUSTED_PROXIES") or None,
            body_timeout=float(e.get("INSTACLONE_BODY_TIMEOUT", "30")),
            max_connections_per_address=int(e.get("INSTACLONE_MAX_CONNECTIONS_PER_ADDRESS", "100")),
            header_timeout=float(e.get("INSTACLONE_HEADER_TIMEOUT", "10")),
            celebrity_followers=int(e.get("INSTACLONE_CELEBRITY_FOLLOWERS", "10000")),
            metrics=e.get("INSTACLONE_METRICS", "on").lower() not in {"off", "0", "false", "no"},
            log_level=_log_level(e.get("INSTACLONE_LOG_LEVEL", "info")),
            metrics_token=e.get("INSTACLONE_METRICS_TOKEN") or None,
            live="poll" if e.get("INSTACLONE_LIVE", "").lower() == "poll" else "stream",
            secret_arn=e.get("INSTACLONE_SECRET_ARN") or None,
        )

    def secret(self) -> bytes:
        """This install's secret (signs cursors and CSRF tokens): INSTACLONE_SECRET, else the
        Secrets Manager secret INSTACLONE_SECRET_ARN names, else a random one kept in the data
        folder so that cursors stay valid across restarts."""
        given = os.environ.get("INSTACLONE_SECRET")
        if given:
            return given.encode()
        if self.secret_arn:
            return _from_secrets_manager(self.secret_arn, self.region)
        path = self.home / "secret"
        try:
            return path.read_bytes()
        except OSError:
            private_home(self.home)
            value = secrets.token_bytes(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(value)
            return value


class SecretUnavailableError(RuntimeError):
    """The install's secret could not be read from Secrets Manager: the process cannot sign
    or check a cursor or a CSRF token, so it does not start."""


@functools.cache
def _from_secrets_manager(arn: str, region: str) -> bytes:
    """Read once per process. Kept out of the function's environment, the secret is
    readable only by a role allowed GetSecretValue on it, not by whoever may read the
    function's configuration."""
    import botocore.session
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = botocore.session.get_session().create_client("secretsmanager", region_name=region)
        value = client.get_secret_value(SecretId=arn).get("SecretString")
    except (BotoCoreError, ClientError) as e:
        raise SecretUnavailableError(f"reading the install's secret {arn} failed: {e}") from e
    if not value:
        raise SecretUnavailableError(f"the install's secret {arn} has no SecretString")
    return str(value).encode()


def forget_secrets() -> None:
    """Read Secrets Manager again on the next start (a new container, in tests)."""
    _from_secrets_manager.cache_clear()


def private_home(home: Path) -> Path:
    """The data folder, readable by its owner only: the database files, the engine's access
    key and the cursor secret live there, and DynamoDB Local checks no signature (anyone who
    can read its files or knows its key reads and writes everything). Created 0700; on an
    existing install, the folder is set 0700 and the database files and secrets 0600."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    for name in ("data", "media"):
        folder = home / name
        if folder.is_dir():
            for path in [folder, *folder.rglob("*")]:
                os.chmod(path, 0o700 if path.is_dir() else 0o600)
    for path in home.iterdir():
        if path.is_file():
            os.chmod(path, 0o600)
    return home


def _flag(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true", "yes", "on"}


def _log_level(value: str) -> str:
    level = value.strip().lower()
    if level not in {"debug", "info", "warning", "error"}:
        raise ValueError(f"INSTACLONE_LOG_LEVEL is one of debug, info, warning, error: {value!r}")
    return level
