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
MAX_DECODE_MEMORY = 224 * 1024 * 1024
DECODE_OVERHEAD = 16 * 1024 * 1024
"""Codec state, output buffers and the two encoded renditions, whatever the image."""
"""What one decode may use at its peak, as estimated from the header (decode_memory): a
small file can declare a huge raster (40 Mpx RGBA is 160 MB before any copy)."""
LARGE, SMALL = 1080, 320
AVATAR, AVATAR_SMALL = 320, 150
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


def decode_memory(image: Image.Image) -> int:
    """Peak memory of decoding and shrinking ``image`` (after any ``draft``), modelled on
    what bench/decode_memory.py measures per format. Pillow keeps 4 bytes a pixel for every
    multi-band mode (RGB included), 2 for 16-bit, 1 for L and P; anything with alpha is
    copied once more to resize (premultiplied); 16-bit is widened to 32 bits twice on its
    way to 8; WebP goes through its decoder's own buffers; and a progressive JPEG keeps
    every coefficient of the whole image at full size, whatever the draft scale."""
    width, height = image.size
    pixels = width * height
    mode = image.mode
    if mode.startswith("I;16"):
        peak = pixels * 2 + pixels * 4 * 2
    elif mode in ("L", "P", "1"):
        peak = pixels * 5 // 4
    elif mode in ("RGB", "YCbCr"):
        peak = pixels * 4 * 5 // 4
    else:  # RGBA, LA, CMYK, I, F…
        peak = pixels * 4 * 5 // 2
    if image.format == "WEBP":
        peak = max(peak, pixels * 4 * 4)
    if image.format == "JPEG" and (image.info.get("progressive") or image.info.get("progression")):
        full_w, full_h = getattr(image, "_full_size", image.size)
        peak += full_w * full_h * len(image.getbands()) * 2
    return peak + DECODE_OVERHEAD


def render(data: bytes) -> Renditions:
    """A photo: at most 1080 px and 320 px on the long side."""
    oriented = _upright(data)
    try:
        large = _encode(oriented)
        size = oriented.size
        oriented.thumbnail((SMALL, SMALL), Image.Resampling.LANCZOS)
        small = _encode(oriented)
    except (OSError, ValueError) as exc:
        raise InvalidImageError("the image could not be encoded") from exc
    return Renditions(large, small, *size)


def render_avatar(data: bytes) -> Renditions:
    """A profile picture: the centre square, 320 px and 150 px."""
    oriented = _upright(data)
    try:
        square = ImageOps.fit(oriented, (AVATAR, AVATAR), Image.Resampling.LANCZOS)
        large = _encode(square)
        small = _encode(square.resize((AVATAR_SMALL, AVATAR_SMALL), Image.Resampling.LANCZOS))
    except (OSError, ValueError) as exc:
        raise InvalidImageError("the image could not be encoded") from exc
    return Renditions(large, small, AVATAR, AVATAR)


def _upright(data: bytes) -> Image.Image:
    """Decode within the limits, shrink to at most LARGE, turn upright, flatten to RGB."""
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
        image._full_size = image.size  # type: ignore[attr-defined]
        # Decode at reduced size straight from the DCT: far less memory and work.
        image.draft("RGB", (LARGE, LARGE))
    need = decode_memory(image)
    if need > MAX_DECODE_MEMORY:
        raise InvalidImageError(
            f"this image would take {need >> 20} MiB to decode; at most "
            f"{MAX_DECODE_MEMORY >> 20} MiB (use fewer pixels, or a baseline JPEG)"
        )
    try:
        image.load()
        work: Image.Image = image
        if work.mode in ("I", "F") or work.mode.startswith("I;16"):
            # 16-bit and float images: scaled to 8 bits (thumbnail cannot resize them).
            work = work.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        # Shrink first, in place, then turn upright and flatten: no full-size copy is made.
        work.thumbnail((LARGE, LARGE), Image.Resampling.LANCZOS)
        oriented = ImageOps.exif_transpose(work)
        if oriented.mode not in ("RGB", "L"):
            background = Image.new("RGB", oriented.size, "white")
            rgba = oriented.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            oriented = background
        elif oriented.mode == "L":
            oriented = oriented.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidImageError("the image could not be decoded") from exc
    return oriented
