"""Fuzz every operation of the OpenAPI schema against the running server (schemathesis):
whatever the input, the answer is never a 5xx."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from instaclone.engine import LocalEngine
from tests.live import live_server

ENDS_SESSIONS = ("/api/sessions/current", "/api/me/sessions")
STREAMS = ("/api/me/events",)


def sign_up(url: str, username: str) -> str:
    body = json.dumps({"username": username, "name": "Fuzzer", "password": "fuzzing pw"})
    request = urllib.request.Request(
        url + "/api/accounts", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        token: str = json.load(response)["token"]
        return token


@pytest.fixture(scope="module")
def server(
    engine: LocalEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("fuzz")
    with live_server(engine.endpoint, home) as url:
        yield {"url": url, "token": sign_up(url, "fuzzer")}


def test_no_input_causes_a_server_error(server: dict[str, Any]) -> None:
    # Driven from Python: schemathesis's pytest plugin does not load under pytest 9.
    api_schema = schemathesis.openapi.from_url(server["url"] + "/openapi.json")
    headers = {"Authorization": f"Bearer {server['token']}"}
    failures: list[str] = []
    operations = 0
    statuses: Counter[int] = Counter()
    ordered = [result.ok() for result in api_schema.get_all_operations()]  # type: ignore[union-attr]
    # An event stream never ends by design: it has its own tests (tests/notifications/).
    ordered = [op for op in ordered if op.path not in STREAMS]
    # Logging out ends the shared session: fuzz it last, or everything after it is a 401.
    ordered.sort(key=lambda op: op.method == "delete" and op.path in ENDS_SESSIONS)
    for operation in ordered:
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=35, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case: Any) -> None:
            response = case.call_and_validate(
                base_url=server["url"], headers=headers, checks=[not_a_server_error]
            )
            statuses[response.status_code] += 1

        try:
            fuzz()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert operations >= 20
    assert failures == []
    assert sum(statuses.values()) >= operations * 10  # it really sent requests
    assert not [code for code in statuses if code >= 500]
    print("fuzz statuses:", dict(sorted(statuses.items())))


def test_chained_operations_cause_no_server_error(server: dict[str, Any]) -> None:
    """Stateful: schemathesis links operations by what one returns and another takes (a
    photo's id from its creation to its likes, comments and deletion…) and runs random
    sequences of them; no step may answer 5xx."""
    loaded = schemathesis.openapi.from_url(server["url"] + "/openapi.json")
    # Sessions are the fixture's: a sequence that ends them only makes the rest 401s.
    api_schema = loaded.exclude(path_regex="^/api/(me/sessions|sessions/current|me/events)")
    # Its own account: the stateless fuzz may have logged the shared one out everywhere.
    headers = {"Authorization": f"Bearer {sign_up(server['url'], 'chainer')}"}
    steps: Counter[int] = Counter()

    class Chains(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": server["url"], "headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            steps[response.status_code] += 1
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:300]}"
            )

    Chains.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # The server's state is not hypothesis's to replay: a failing chain is reported
            # as it happened instead of being shrunk (which trips "flaky strategy").
            phases=[Phase.generate],
        )
    )
    print("stateful statuses:", dict(sorted(steps.items())))
    assert sum(steps.values()) >= 60
    assert sum(n for code, n in steps.items() if code < 300) >= 20  # chains reached real data


def test_openapi_documents_the_error_shape(server: dict[str, Any]) -> None:
    with urllib.request.urlopen(server["url"] + "/openapi.json") as response:
        spec = json.load(response)
    assert len(spec["paths"]) >= 20
    example = spec["paths"]["/api/feed"]["get"]["responses"]["401"]
    assert example["content"]["application/json"]["example"]["error"]["code"]
    Path.cwd()  # the docs page is served too
    with urllib.request.urlopen(server["url"] + "/docs") as response:
        assert b"swagger" in response.read().lower()
