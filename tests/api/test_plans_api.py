"""Plans over the API, over real HTTP: generated through the AI gateway (the built-in engine
with no provider configured), listed, read, activated, deleted; another member's ids; scopes."""

from __future__ import annotations

from sqlmodel import select

from tests.api.conftest import error_of
from vigor_app import db
from vigor_app.models import WorkoutPlan


def _plans_in_db(user_id: int) -> list[tuple[int, str, bool]]:
    with db.read_only() as session:
        rows = session.exec(select(WorkoutPlan).where(WorkoutPlan.user_id == user_id).order_by(WorkoutPlan.id)).all()
        return [(r.id or 0, r.name, r.is_active) for r in rows]


def _generate(api, **request) -> dict:
    made = api.post("/plans", json=request)
    assert made.status_code == 201, made.text
    return made.json()


def test_a_member_generates_lists_reads_activates_and_deletes_plans(running_app, alice):
    with running_app.client(alice.token) as api:
        first = _generate(api, days_per_week=3, session_minutes=45, name="Three a week")
        assert first["plan"]["engine"] == "builtin" and first["plan"]["name"] == "Three a week"
        assert first["plan"]["is_active"] is True
        assert len(first["plan"]["plan"]["days"]) == 3
        assert all(day["exercises"] for day in first["plan"]["plan"]["days"])
        second = _generate(api, days_per_week=2, focus=["core"], intensity="easy")
        assert second["plan"]["is_active"] is False and len(second["plan"]["plan"]["days"]) == 2
        assert second["plan"]["inputs"]["focus"] == ["core"]
        listed = api.get("/plans").json()
        assert [(p["id"], p["is_active"]) for p in listed] == [(first["plan"]["id"], True),
                                                               (second["plan"]["id"], False)]
        read = api.get(f"/plans/{second['plan']['id']}")
        assert read.status_code == 200 and read.json()["plan"] == second["plan"]["plan"]
        activated = api.post(f"/plans/{second['plan']['id']}/activate")
        assert activated.status_code == 200 and activated.json()["is_active"] is True
        assert [p["id"] for p in api.get("/plans").json() if p["is_active"]] == [second["plan"]["id"]]
        assert api.delete(f"/plans/{second['plan']['id']}").status_code == 204
        # The newest remaining plan takes over, as on the Workouts page.
        assert _plans_in_db(alice.id) == [(first["plan"]["id"], "Three a week", True)]
        assert error_of(api.get(f"/plans/{second['plan']['id']}"))["code"] == "not_found"


def test_another_members_plans_are_not_found_and_nothing_changes(running_app, alice, bob):
    with running_app.client(alice.token) as api:
        plan_id = _generate(api)["plan"]["id"]
        _generate(api)
    before = _plans_in_db(alice.id)
    with running_app.client(bob.token) as api:
        assert api.get("/plans").json() == []
        for method, path in (("GET", f"/plans/{plan_id}"), ("POST", f"/plans/{plan_id + 1}/activate"),
                             ("DELETE", f"/plans/{plan_id}")):
            answer = api.request(method, path)
            assert answer.status_code == 404, (method, path, answer.text)
            assert error_of(answer)["code"] == "not_found"
    assert _plans_in_db(alice.id) == before


def test_a_read_only_token_reads_plans_but_never_writes(running_app, alice):
    from vigor_app.services.accounts import api_tokens

    reader = api_tokens.create(alice.id, "watch face", ["read"]).token
    with running_app.client(alice.token) as api:
        plan_id = _generate(api)["plan"]["id"]
        _generate(api)
    before = _plans_in_db(alice.id)
    with running_app.client(reader) as api:
        assert api.get(f"/plans/{plan_id}").status_code == 200
        assert len(api.get("/plans").json()) == 2
        for method, path in (("POST", "/plans"), ("POST", f"/plans/{before[1][0]}/activate"),
                             ("DELETE", f"/plans/{plan_id}")):
            refused = api.request(method, path, json={} if path == "/plans" else None)
            assert refused.status_code == 403, (method, path)
            assert error_of(refused)["details"]["needed"] == "write"
    assert _plans_in_db(alice.id) == before


def test_unknown_words_and_values_are_refused_and_nothing_is_stored(running_app, alice):
    with running_app.client(alice.token) as api:
        unknown = api.post("/plans", json={"focus": ["wings"]})
        assert unknown.status_code == 422
        assert error_of(unknown) == {**error_of(unknown), "code": "invalid", "details": {"field": "focus"}}
        too_many = api.post("/plans", json={"days_per_week": 9})
        assert error_of(too_many)["details"] == {"field": "days_per_week"}
        extra = api.post("/plans", json={"days": 3})
        assert extra.status_code == 422 and error_of(extra)["code"] == "invalid_request"
        assert api.post("/plans", json={"days_per_week": "three"}).status_code == 422
        assert api.get("/plans/0").status_code == 422
        assert error_of(api.post("/plans/abc/activate"))["code"] == "not_found"  # no such path: ids are numbers
    assert _plans_in_db(alice.id) == []


def test_generating_plans_counts_against_the_ai_allowance(running_app, vigor_env, alice):
    from vigor_app.settings import reload_settings

    vigor_env.setenv("API_AI_RATE_PER_MINUTE", "2")
    reload_settings()
    with running_app.client(alice.token) as api:
        _generate(api)
        _generate(api)
        refused = api.post("/plans", json={})
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert error_of(refused)["code"] == "rate_limited"
        assert api.get("/plans").status_code == 200  # reading is not an AI request
    assert len(_plans_in_db(alice.id)) == 2
