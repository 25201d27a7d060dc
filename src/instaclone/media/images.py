"""Uploaded images: verified by content (not by name), guarded against decompression bombs,
turned upright by their EXIF orientation, stripped of EXIF (location!), and rendered at
1080 px and 320 px. CPU-heavy (~100 ms): call from a worker thread."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000; larger is refused before decoding
MAX_DECODED_BYTES = 100 * 1024 * 1024
"""What one decode may hold in memory: pixels × bands × bytes per band, at the size the
image really decodes to (a JPEG decodes at 1/2, 1/4 or 1/8 scale when that is enough). A
small PNG can declare a huge raster: 40 Mpx RGBA is 160 MB before any copy."""
LARGE, SMALL = 1080, 320
QUALITY = 85


# Pillow's own guard, at our limit: it warns past it and refuses past twice it. The warning
# becomes an error here (caught below), so a bomb never gets as far as decoding.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


class InvalidImageError(ValueError):
    """The upload is not an acceptable image; the message says why."""


@dataclass(frozen=True)
class Renditions:
    large: bytes
    small: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"
    extension: str = "jpg"


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif= argument: the EXIF block (GPS position, camera serial…) is not written.
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def decoded_bytes(image: Image.Image) -> int:
    """Memory of the raster ``image.load()`` will allocate (after any ``draft``)."""
    bands = len(image.getbands())
    depth = 2 if image.mode in ("I;16", "I;16B", "I;16L") else 4 if image.mode in ("I", "F") else 1
    width, height = image.size
    return width * height * bands * depth


def render(data: bytes) -> Renditions:
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImageError(f"an image may have at most {MAX_PIXELS:,} pixels") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidImageError("the file is not a JPEG, PNG or WebP image") from exc
    if image.format not in ALLOWED_FORMATS:
        raise InvalidImageError(f"{image.format} images are not accepted; use JPEG, PNG or WebP")
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise InvalidImageError(f"an image may have at most {MAX_PIXELS:,} pixels")
    if image.format == "JPEG":
        # Decode at reduced size straight from the DCT: far less memory and work.
        image.draft("RGB", (LARGE, LARGE))
    if decoded_bytes(image) > MAX_DECODED_BYTES:
        raise InvalidImageError(
            f"this image would take {decoded_bytes(image) >> 20} MiB to decode; at most "
            f"{MAX_DECODED_BYTES >> 20} MiB (use fewer pixels, or JPEG)"
        )
    try:
        image.load()
        # Shrink first, in place, then turn upright and flatten: no full-size copy is made.
        image.thumbnail((LARGE, LARGE), Image.Resampling.LANCZOS)
        oriented = ImageOps.exif_transpose(image)
        if oriented.mode not in ("RGB", "L"):
            background = Image.new("RGB", oriented.size, "white")
            rgba = oriented.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            oriented = background
        elif oriented.mode == "L":
            oriented = oriented.convert("RGB")
        large = _encode(oriented)
        size = oriented.size
        oriented.thumbnail((SMALL, SMALL), Image.Resampling.LANCZOS)
        small = _encode(oriented)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidImageError("the image could not be decoded") from exc
    return Renditions(large, small, *size)
