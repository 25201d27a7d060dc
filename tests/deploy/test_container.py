"""The container image: what the Dockerfile promises (two stages, a slim base, no DynamoDB
Local or Java, an unprivileged user, a health check on the liveness route), and, where a
container engine and a base image are at hand, that it builds and holds a working
``instaclone``.

The build needs podman (Debian's package) and a Python base image: the Dockerfile's default
(python:3.11-slim-bookworm), or the one named by INSTACLONE_CONTAINER_BASE (on a machine
without a registry of images: a Debian root file system made with debootstrap and
``podman import``). Behind a proxy that re-signs TLS, the CA bundle pip is configured with
goes in as a build secret."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_the_dockerfile_is_multi_stage_slim_unprivileged_and_checked() -> None:
    stages = re.findall(r"^FROM (\S+)(?: AS (\w+))?", DOCKERFILE, re.MULTILINE)
    assert [name for _, name in stages] == ["build", ""]
    assert re.search(r"^ARG BASE=python:3\.11-slim", DOCKERFILE, re.MULTILINE)
    final = DOCKERFILE.split("\nFROM ${BASE}\n", 1)[1]
    assert re.search(r"^USER instaclone$", final, re.MULTILINE)
    assert "--uid 10001" in final and "/api/health" in final and "HEALTHCHECK" in final
    assert "COPY --from=build /opt/instaclone" in final and "COPY src" not in final
    instructions = "\n".join(
        line for line in DOCKERFILE.lower().splitlines() if not line.lstrip().startswith("#")
    )
    for absent in ("java", "jre", "dynamodblocal", "npm"):
        assert absent not in instructions
    assert "INSTACLONE_USE_AWS=1" in final  # never the embedded engine
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".instaclone"} <= set(ignored)


def _base() -> str | None:
    wanted = os.environ.get("INSTACLONE_CONTAINER_BASE") or "python:3.11-slim-bookworm"
    found = subprocess.run(["podman", "image", "exists", wanted], check=False)
    return wanted if found.returncode == 0 else None


@pytest.mark.skipif(shutil.which("podman") is None, reason="no container engine (podman)")
def test_the_image_builds_and_runs_instaclone() -> None:
    base = _base()
    if base is None:
        pytest.skip("no Python base image for podman (see INSTACLONE_CONTAINER_BASE)")
    tag = "localhost/instaclone:test"
    command = ["podman", "build", "--isolation=chroot", "--build-arg", f"BASE={base}"]
    bundle = Path("/etc/ssl/certs/ca-certificates.crt")
    if bundle.exists():
        command += ["--secret", f"id=ca_bundle,src={bundle}"]
    built = subprocess.run(
        [*command, "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=900
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    inspected = subprocess.run(
        ["podman", "image", "inspect", tag, "--format", "{{.Config.User}} {{.Config.Cmd}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert inspected.startswith("instaclone ") and "serve" in inspected
    # the image's own files: the package and its entry point, no engine
    listing = subprocess.run(
        ["podman", "run", "--rm", "--cgroups=disabled", tag, "instaclone", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    if "Operation not permitted" in listing.stderr:
        pytest.skip("podman builds here but may not run containers (no OCI permissions)")
    assert listing.returncode == 0 and "serve" in listing.stdout
