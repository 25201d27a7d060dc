"""For operators and load balancers: liveness, readiness, metrics."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging

from fastapi import APIRouter, Request
from starlette.responses import Response

from instaclone.api.errors import ApiError
from instaclone.api.observability import metrics_text
from instaclone.api.routes.params import Service
from instaclone.api.security import client_ip

router = APIRouter(tags=["meta"])
READY_WITHIN = 2.0
log = logging.getLogger(__name__)


@router.get("/api/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers (nothing else is touched)."""
    return {"status": "ok"}


@router.get("/api/ready", responses={503: {"description": "DynamoDB does not answer"}})
async def ready(app: Service) -> dict[str, str]:
    """Readiness: the table answers a read within 2 seconds (one GetItem of a key that does
    not exist, 0.5 read units on AWS), so a load balancer sends traffic only where it can
    be served."""
    try:
        await asyncio.wait_for(app.table.probe(), READY_WITHIN)
    except Exception as error:
        # The reason goes to the log, not to whoever asks (it may name the account or role).
        log.warning("not ready: DynamoDB does not answer: %r", error)
        raise ApiError(503, "not_ready", "DynamoDB does not answer") from None
    return {"status": "ready"}


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text format: for a scraper on this machine or the private network, or
    anyone with ``INSTACLONE_METRICS_TOKEN`` as a bearer token (routes, traffic and error
    rates are not for the public)."""
    settings = request.app.state.settings
    if not settings.metrics:
        raise ApiError(404, "not_found", "metrics are off (INSTACLONE_METRICS=off)")
    if not _may_scrape(request, settings.metrics_token):
        raise ApiError(403, "forbidden", "metrics are for the private network or a token")
    body, content_type = metrics_text()
    return Response(body, media_type=content_type)


def _may_scrape(request: Request, token: str | None) -> bool:
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return address.is_loopback or address.is_private
