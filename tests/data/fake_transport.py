"""A transport in front of the real engine that injects what no engine produces on demand:
throttling, partial batch results, transaction conflicts. Everything else goes through."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiodynamo.http.types import Request, Response

Rewrite = Callable[[str, dict[str, Any]], "Response | dict[str, Any] | None"]


class ScriptedTransport:
    def __init__(self, real: Callable[[Request], Any]) -> None:
        self.real = real
        self.calls: list[str] = []
        # action -> list of steps; each step answers one call of that action, then is dropped
        self.script: dict[str, list[Callable[[dict[str, Any]], Any]]] = {}

    def on(self, action: str, *steps: Callable[[dict[str, Any]], Any]) -> None:
        self.script.setdefault(action, []).extend(steps)

    async def forward(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        request = Request(
            method="POST",
            url=self._url,
            headers={**self._headers, "X-Amz-Target": f"DynamoDB_20120810.{action}"},
            body=json.dumps(payload).encode(),
        )
        response = await self.real(request)
        result: dict[str, Any] = json.loads(response.body)
        return result

    async def __call__(self, request: Request) -> Response:
        headers = request.headers or {}
        action = headers["X-Amz-Target"].split(".", 1)[1]
        self.calls.append(action)
        self._url, self._headers = request.url, dict(headers)
        steps = self.script.get(action)
        if not steps:
            response: Response = await self.real(request)
            return response
        step = steps.pop(0)
        outcome = await step(json.loads(request.body or b"{}"))
        if isinstance(outcome, Response):
            return outcome
        return Response(200, json.dumps(outcome).encode())


def error(code: str, message: str = "", status: int = 400, **extra: Any) -> Response:
    body = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message, **extra}
    return Response(status, json.dumps(body).encode())
