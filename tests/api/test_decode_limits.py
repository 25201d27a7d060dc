"""Small files that decode huge cost bounded memory: a raster over the decode limit is
refused before it is decoded, and only a few decodes run at once; past a short queue an
upload gets 503 with Retry-After (issue: 12 concurrent 161 KB RGBA PNGs took the server to
3.96 GB). Peak memory under that storm is measured by bench/upload_memory.py."""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from PIL import Image

from instaclone.api.errors import ApiError
from instaclone.api.uploads import Renderer
from instaclone.media import InvalidImageError, render
from instaclone.media.images import MAX_DECODE_MEMORY, decode_memory
from tests.api.conftest import Api, bearer
from tests.api.test_media import upload
from tests.helpers import unique


def flat_png(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(
        out, "PNG", optimize=True
    )
    return out.getvalue()


def test_a_small_png_declaring_a_huge_raster_is_refused_before_decoding() -> None:
    bomb = flat_png((6000, 6000))  # 144 MB of RGBA pixels in a file of a few hundred KB
    assert len(bomb) < 400_000
    started = time.process_time()
    with pytest.raises(InvalidImageError, match="MiB to decode"):
        render(bomb)
    assert time.process_time() - started < 0.5  # refused from the header, not decoded
    assert decode_memory(Image.open(io.BytesIO(bomb))) > MAX_DECODE_MEMORY
    ok = render(flat_png((4000, 4000)))  # 64 MB: decoded, shrunk, flattened on white
    assert max(ok.width, ok.height) == 1080


async def test_decodes_are_bounded_and_the_queue_overflows_into_503() -> None:
    renderer = Renderer(at_once=1, waiting=1)
    await renderer.gate.acquire()  # a decode is running
    data = flat_png((64, 64))
    queued = asyncio.create_task(renderer.render(data))
    second = asyncio.create_task(renderer.render(data))
    await asyncio.sleep(0.05)
    with pytest.raises(ApiError) as refused:
        await renderer.render(data)
    assert refused.value.status == 503 and refused.value.headers == {"Retry-After": "2"}
    renderer.gate.release()
    assert (await queued).width == 64 and (await second).width == 64
    assert renderer.inside == 0


async def test_an_upload_in_a_full_queue_gets_503_and_leaves_nothing(api: Api) -> None:
    user = unique("u").lower()
    token = await api.sign_up(user)
    busy = Renderer(at_once=1, waiting=0)
    busy.inside = 1  # as if one decode were running
    api.client._transport.app.state.renderer = busy  # type: ignore[attr-defined]
    response = await upload(api, user, token, flat_png((50, 50)))
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert response.headers["retry-after"] == "2"  # type: ignore[attr-defined]
    assert not list(api.media_root.rglob("*.jpg"))
    photos = await api.client.get(f"/api/users/{user}/photos", headers=bearer(token))
    assert photos.json()["items"] == []


def test_a_16_bit_png_is_rendered_not_refused() -> None:
    out = io.BytesIO()
    Image.new("I;16", (2000, 1500), 40_000).save(out, "PNG")
    done = render(out.getvalue())  # was "could not be decoded": thumbnail refuses 16-bit
    assert (done.width, done.height) == (1080, 810)
    pixel = Image.open(io.BytesIO(done.large)).convert("L").getpixel((10, 10))
    assert isinstance(pixel, int) and 100 < pixel < 255  # scaled to 8 bits, not clipped
