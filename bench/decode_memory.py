"""Memory of one image decode, measured against what the upload check estimates, for the
shapes that cost most: small files declaring big rasters, alpha, 16-bit, WebP, progressive
and CMYK JPEG. Each image is rendered in a fresh process; the figure is its peak resident
memory during the render (VmHWM, reset just before) minus its resident memory before.

    .venv/bin/python -m bench.decode_memory
"""

from __future__ import annotations

import io
import subprocess
import sys

from PIL import Image

CASES: list[tuple[str, str, tuple[int, int], str, dict[str, object]]] = [
    ("RGB PNG", "RGB", (8000, 5000), "PNG", {}),
    ("RGBA PNG", "RGBA", (4000, 4000), "PNG", {}),
    ("RGBA PNG", "RGBA", (5000, 5000), "PNG", {}),
    ("LA PNG", "LA", (7000, 5000), "PNG", {}),
    ("16-bit gray PNG", "I;16", (4000, 3000), "PNG", {}),
    ("palette PNG", "P", (8000, 5000), "PNG", {}),
    ("RGB WebP", "RGB", (4000, 3000), "WEBP", {"lossless": True}),
    ("RGBA WebP", "RGBA", (5000, 5000), "WEBP", {"lossless": True}),
    ("baseline JPEG", "RGB", (8000, 5000), "JPEG", {"quality": 90}),
    ("progressive JPEG", "RGB", (4000, 3000), "JPEG", {"progressive": True}),
    ("progressive JPEG", "RGB", (8000, 5000), "JPEG", {"progressive": True}),
    ("CMYK progressive JPEG", "CMYK", (8000, 5000), "JPEG", {"progressive": True}),
]

PROBE = """
import sys

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024

from instaclone.media import InvalidImageError, render
from instaclone.media.images import decode_memory
from PIL import Image
import io
data = sys.stdin.buffer.read()
image = Image.open(io.BytesIO(data))
if image.format == "JPEG":
    image._full_size = image.size
    image.draft("RGB", (1080, 1080))
estimate = decode_memory(image)
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to now
before = status("VmRSS")
try:
    render(data)
    outcome = "accepted"
except InvalidImageError as error:
    outcome = "refused"
after = status("VmHWM")
print(estimate >> 20, (after - before) >> 20, outcome)
"""


def sample(mode: str, size: tuple[int, int], fmt: str, options: dict[str, object]) -> bytes:
    color: object = {"I;16": 3000, "P": 7, "LA": (90, 200), "CMYK": (10, 200, 30, 5)}.get(
        mode, (200, 80, 40, 180)[: len(Image.new(mode, (1, 1)).getbands())]
    )
    image = Image.new(mode, size, color)  # type: ignore[arg-type]
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def main() -> None:
    print("| image | size | file KB | estimate MiB | measured MiB | outcome |")
    print("|---|---|---|---|---|---|")
    for label, mode, size, fmt, options in CASES:
        data = sample(mode, size, fmt, options)
        out = subprocess.run(
            [sys.executable, "-c", PROBE], input=data, capture_output=True, check=True
        ).stdout.decode()
        estimate, measured, outcome = out.split()
        print(
            f"| {label} | {size[0]}×{size[1]} | {len(data) // 1024:,} | {estimate} "
            f"| {measured} | {outcome} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
