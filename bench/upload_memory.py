"""Server memory under an upload storm: 12 concurrent uploads of small PNGs that decode
huge, against the real server (``instaclone serve``), before and after the decode limits,
side by side in one run on one engine.

    .venv/bin/python -m bench.upload_memory [--before REV] [--count 12]

"before" runs the server from a git worktree of REV (default: the commit before the limits),
"after" from this checkout. Reports each server's peak resident memory (VmHWM), what it kept
after the storm (VmRSS), the statuses and the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from PIL import Image, ImageDraw
from tests.live import live_server

from instaclone.engine import LocalEngine, ensure_engine
from instaclone.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def storm_image(mode: str, size: tuple[int, int], fmt: str) -> bytes:
    """A small file that decodes to a big raster."""
    image = Image.new(mode, size, (240, 120, 40, 200)[: len(mode)])
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 97):
        draw.line((0, i, size[0], size[1] - i), fill=(20, 40, 200, 255)[: len(mode)], width=3)
    out = io.BytesIO()
    image.save(out, fmt, **({"lossless": True} if fmt == "WEBP" else {"optimize": True}))
    return out.getvalue()


STORMS = [
    ("RGBA", (4000, 4000), "PNG"),  # accepted: the decode limit bounds what it may take
    ("RGB", (4000, 3000), "WEBP"),  # accepted
    ("RGBA", (5000, 5000), "PNG"),  # refused now, from the header
    ("RGBA", (6000, 6000), "PNG"),
]


def memory(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0]) // 1024  # MiB
    return values


def server_pid(port: str) -> int:
    out = subprocess.run(["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True)
    return int(out.stdout.split()[0])


async def storm(url: str, data: bytes, count: int) -> tuple[Counter[int], float, dict[str, int]]:
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        made = await client.post(
            "/api/accounts", json={"username": "stormer", "name": "S", "password": "pw pw pw 1"}
        )
        token = made.json()["token"]
        pid = server_pid(url.rsplit(":", 1)[1])

        async def one() -> int:
            response = await client.post(
                "/api/users/stormer/photos/upload",
                files={"file": ("p.png", data, "image/png")},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.status_code

        started = time.perf_counter()
        statuses = Counter(await asyncio.gather(*(one() for _ in range(count))))
        elapsed = time.perf_counter() - started
        await asyncio.sleep(1)
        return statuses, elapsed, memory(pid)


def run(label: str, endpoint: str, src: Path, data: bytes, count: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {"PYTHONPATH": str(src), "INSTACLONE_PIPELINE": "off"}
        with live_server(endpoint, Path(home), **env) as url:
            statuses, elapsed, mem = asyncio.run(storm(url, data, count))
    shown = ", ".join(f"{n}× {s}" for s, n in sorted(statuses.items()))
    print(
        f"| {label} | {mem['VmHWM']:,} | {mem['VmRSS']:,} | {shown} | {elapsed:.1f} |", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="1f52d3404be55cdf9abf7b5971a639c00799cafa")
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args()
    jar = ensure_engine((Settings.from_env().home / "engine").resolve())
    with tempfile.TemporaryDirectory() as tree, LocalEngine(jar, access_key="tests") as engine:
        old = Path(tree) / "before"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(old), args.before],
            check=True,
        )
        try:
            for mode, (width, height), fmt in STORMS:
                data = storm_image(mode, (width, height), fmt)
                print(
                    f"\n### {args.count} concurrent uploads of a {len(data) // 1024} KB {fmt} "
                    f"that decodes to {width}×{height} {mode}\n"
                )
                print("| server | peak RSS MiB | RSS after MiB | statuses | seconds |")
                print("|---|---|---|---|---|")
                run("before", engine.endpoint, old / "src", data, args.count)
                run("after", engine.endpoint, REPO / "src", data, args.count)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)])
    os.sync()


if __name__ == "__main__":
    main()
