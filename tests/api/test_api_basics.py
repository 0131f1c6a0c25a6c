"""What every endpoint shares: who is asking (401), the one error shape, rate limits (429 with
Retry-After), body limits (413), request ids, and docs that work offline."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from tests.api.conftest import error_of
from vigor_app.clock import utcnow
from vigor_app.services.accounts import api_tokens, sessions
from vigor_app.settings import reload_settings


def test_no_token_an_unknown_a_revoked_and_an_ended_session_get_401(running_app, alice):
    revoked = api_tokens.create(alice.id, "old watch", ["read"])
    api_tokens.revoke(alice.id, revoked.view.id)
    expired = api_tokens.create(alice.id, "last month", ["read"], 7, now=utcnow() - timedelta(days=8))
    sessions.end_session(alice.session_token)
    for token in (None, "vgr_not-a-token", revoked.token, expired.token, alice.session_token, "x" * 500):
        with running_app.client(token) as api:
            answer = api.get("/me")
        assert answer.status_code == 401, token
        assert error_of(answer)["code"] == "unauthorized"
        assert answer.headers["www-authenticate"] == "Bearer"
    with httpx.Client(base_url=running_app.url + "/api/v1") as api:
        basic = api.get("/me", headers={"Authorization": "Basic YWxpY2U6cGFzcw=="})
    assert basic.status_code == 401 and error_of(basic)["code"] == "unauthorized"


def test_a_token_lists_and_revokes_its_owners_tokens_only(running_app, alice, bob):
    with running_app.client(alice.token) as api:
        mine = api.get("/me/tokens").json()
        assert [t["name"] for t in mine] == ["alice's script"] and "token_hash" not in str(mine)
        assert alice.token not in api.get("/me/tokens").text
    with running_app.client(bob.token) as api:
        assert api.delete(f"/me/tokens/{mine[0]['id']}").status_code == 404
    with running_app.client(alice.token) as api:
        assert api.delete(f"/me/tokens/{mine[0]['id']}").status_code == 204
        assert api.get("/me").status_code == 401  # the token revoked itself


def test_every_refusal_has_the_one_shape(running_app, alice):
    with running_app.client(alice.token) as api:
        cases = [api.get("/no-such-thing"), api.delete("/me"), api.post("/sessions", content=b"{not json",
                                                                        headers={"Content-Type": "application/json"}),
                 api.post("/sessions", json={"surprise": 1}), api.get("/sessions/0")]
    assert [c.status_code for c in cases] == [404, 405, 422, 422, 422]
    assert [error_of(c)["code"] for c in cases] == ["not_found", "method_not_allowed", "invalid_request",
                                                    "invalid_request", "invalid_request"]
    assert len({error_of(c)["request_id"] for c in cases}) == len(cases)
    for case in cases:
        assert "Traceback" not in case.text and case.headers["cache-control"] == "no-store"


def test_a_body_over_the_limit_is_refused_before_it_is_read(running_app, alice):
    with running_app.client(alice.token) as api:
        big = {"name": "x" * 300_000}
        declared = api.post("/sessions", json=big)
        assert declared.status_code == 413 and error_of(declared)["code"] == "too_large"

        def chunks():
            yield b'{"name": "'
            for _ in range(40):
                yield b"y" * 10_000
            yield b'"}'

        streamed = api.post("/sessions", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413 and error_of(streamed)["details"] == {"limit_bytes": 256 * 1024}
        assert api.get("/sessions/open").status_code == 404  # nothing was started


def test_too_many_requests_get_429_with_retry_after(running_app, alice, bob, vigor_env):
    vigor_env.setenv("API_RATE_PER_MINUTE", "5")
    reload_settings()
    with running_app.client(alice.token) as api:
        answers = [api.get("/me") for _ in range(7)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    limited = error_of(answers[-1])
    assert limited["code"] == "rate_limited" and 1 <= int(answers[-1].headers["retry-after"]) <= 12
    assert limited["details"]["retry_after"] == int(answers[-1].headers["retry-after"])
    with running_app.client(bob.token) as api:  # each token has its own allowance
        assert api.get("/me").status_code == 200
    with running_app.client("vgr_guessing") as api:  # so do guesses, per address
        guesses = [api.get("/me").status_code for _ in range(7)]
    assert guesses == [401] * 5 + [429] * 2


def test_the_docs_and_their_scripts_are_served_by_the_app(running_app):
    with httpx.Client(base_url=running_app.url) as web:
        page = web.get("/api/v1/docs")
        assert page.status_code == 200
        scripts = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert scripts and all(s.startswith("/api/v1/") for s in scripts), scripts
        for path in scripts:
            assert web.get(path).status_code == 200, path
        schema = web.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Vigor API"
    assert "/sessions/{session_id}/changes" in schema["paths"]
    assert "cdn" not in page.text.lower()


def test_the_service_worker_is_served_for_the_whole_site_and_never_cached(running_app):
    with httpx.Client(base_url=running_app.url) as web:
        answer = web.get("/sw.js")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["service-worker-allowed"] == "/" and answer.headers["cache-control"] == "no-cache"
    assert 'const PRECACHE = ["/dashboard", "/log", "/workouts"' in answer.text
