"""API docs: Swagger UI 5 (it reads the OpenAPI 3.1 this app produces; the swagger-ui-bundle
package on PyPI ships 4.x, which cannot), from the npm package swagger-ui-dist, pinned and
integrity-checked, vendored at install time (``instaclone docs install``, run by
scripts/install) into the data folder. Nothing comes from the internet at run time."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import FileResponse, HTMLResponse

from instaclone.api.errors import ApiError
from instaclone.npm import PinnedPackage, fetch

SWAGGER_UI = PinnedPackage(
    "swagger-ui-dist",
    "5.35.0",
    "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==",
    keep="package/",
)

# Swagger UI starts from an inline script; this page shows no user content.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)

ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})
"""Only what the docs page loads: the package's demo pages (which call an outside site),
source maps and the rest are not served."""


def docs_dir(home: Path) -> Path:
    return home / "docs-ui" / f"{SWAGGER_UI.name}-{SWAGGER_UI.version}"


def ensure_docs(home: Path) -> Path:
    """The vendored Swagger UI, fetched through npm the first time."""
    target = docs_dir(home)
    if not (target / "swagger-ui-bundle.js").is_file():
        fetch(SWAGGER_UI, target)
    return target


def install(app: FastAPI, root: Path) -> None:
    @app.get("/docs-assets/{name}", include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        if name not in ASSETS or not (root / name).is_file():
            raise ApiError(404, "not_found", f"no docs asset {name!r}")
        return FileResponse(root / name, headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if not (root / "swagger-ui-bundle.js").is_file():
            page = HTMLResponse(
                '<!doctype html><meta name="viewport" content="width=device-width, '
                'initial-scale=1"><title>instaclone API</title><h1>instaclone API</h1>'
                "<p>The docs viewer is not installed here: run <code>scripts/install</code> "
                "(or <code>instaclone docs install</code>). The schema itself is at "
                '<a href="/openapi.json">/openapi.json</a>.</p>'
            )
        else:
            page = get_swagger_ui_html(
                openapi_url="/openapi.json",
                title="instaclone API",
                swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                swagger_css_url="/docs-assets/swagger-ui.css",
                swagger_favicon_url="/docs-assets/favicon-32x32.png",
            )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page
