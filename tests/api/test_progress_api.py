"""Progress over the API, over real HTTP: records, one exercise's series (strength, or
distance and pace), sessions a week, streaks, and body metrics; another member's ids; scopes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from tests.api.conftest import error_of
from vigor_app import db
from vigor_app.models import BodyMetric, Exercise


def _finished_workout(api, exercise_id: str, **values) -> int:
    started = api.post("/sessions", json={"name": "Today"})
    assert started.status_code == 201, started.text
    session_id = started.json()["id"]
    entry = api.post(f"/sessions/{session_id}/exercises", json={"exercise_id": exercise_id}).json()["entries"][0]
    saved = api.put(f"/sets/{entry['sets'][0]['id']}", json=values)
    assert saved.status_code == 200, saved.text
    assert api.post(f"/sessions/{session_id}/finish", json={}).status_code == 200
    return session_id


def _metrics_in_db(user_id: int) -> list[tuple[str, float | None, float | None]]:
    with db.read_only() as session:
        rows = session.exec(select(BodyMetric).where(BodyMetric.user_id == user_id)
                            .order_by(BodyMetric.measured_on)).all()
        return [(r.measured_on.isoformat(), r.weight_kg, r.waist_cm) for r in rows]


def test_records_and_a_strength_series(running_app, alice):
    with running_app.client(alice.token) as api:
        baseline = _finished_workout(api, "barbell-back-squat", reps=5, weight_kg=90)
        assert api.get("/progress/records").json() == []  # the first session is the baseline
        session_id = _finished_workout(api, "barbell-back-squat", reps=5, weight_kg=100)
        records = api.get("/progress/records")
        assert records.status_code == 200, records.text
        squat = [r for r in records.json() if r["exercise_id"] == "barbell-back-squat"]
        assert squat and {r["session_id"] for r in squat} == {session_id}
        assert squat[0]["exercise_name"] == "Barbell back squat"
        assert {(r["kind"], r["value"], r["previous"]) for r in squat} >= {("weight_for_reps", 100.0, 90.0)}, squat
        logged = api.get("/progress/exercises").json()
        assert [(o["exercise_id"], o["times_logged"], o["loaded"]) for o in logged] == [("barbell-back-squat", 2, True)]
        chart = api.get("/progress/exercises/barbell-back-squat").json()
        assert chart["kind"] == "strength" and chart["cardio"] is None
        assert [p["session_id"] for p in chart["strength"]["points"]] == [baseline, session_id]
        point = chart["strength"]["points"][-1]
        assert point["session_id"] == session_id and point["top_weight_kg"] == 100.0 and point["top_reps"] == 5
        assert point["volume_kg"] == 500.0 and round(point["e1rm_kg"], 1) == 116.7
        later = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
        assert api.get("/progress/exercises/barbell-back-squat", params={"since": later}).json()["strength"][
            "points"] == []
        assert api.get("/progress/records", params={"limit": 1}).json() == records.json()[:1]


def test_a_distance_exercise_has_a_cardio_series_and_counts_toward_the_streak(running_app, alice):
    with running_app.client(alice.token) as api:
        assert api.get("/progress/streaks").json()["current_streak"] == 0
        session_id = _finished_workout(api, "brisk-walk", seconds=1500, distance_m=5000)
        chart = api.get("/progress/exercises/brisk-walk").json()
        assert chart["kind"] == "cardio" and chart["strength"] is None
        [point] = chart["cardio"]["points"]
        assert point == {**point, "session_id": session_id, "distance_m": 5000.0, "seconds": 1500, "pace": 300.0}
        assert chart["totals"]["week_m"] == 5000.0
        streaks = api.get("/progress/streaks").json()
        assert streaks == {**streaks, "current_streak": 1, "longest_streak": 1, "week_sessions": 1,
                           "total_workouts": 1}
        assert "15 minutes" in streaks["rule"]
        weeks = api.get("/progress/weeks", params={"weeks": 4}).json()
        assert len(weeks["points"]) == 4 and weeks["points"][-1]["sessions"] == 1


def test_body_metrics_are_listed_added_and_deleted(running_app, alice):
    with running_app.client(alice.token) as api:
        added = api.post("/progress/body-metrics", json={"measured_on": "2026-01-05", "weight_kg": 80.5})
        assert added.status_code == 201, added.text
        assert added.json()["values"]["weight_kg"] == 80.5 and added.json()["measured_on"] == "2026-01-05"
        same_day = api.post("/progress/body-metrics", json={"measured_on": "2026-01-05", "waist_cm": 84})
        assert same_day.json()["id"] == added.json()["id"]  # a second entry that day updates it
        later = api.post("/progress/body-metrics", json={"measured_on": "2026-01-12", "weight_kg": 79.9}).json()
        listed = api.get("/progress/body-metrics").json()
        assert [(e["measured_on"], e["values"]["weight_kg"], e["values"]["waist_cm"]) for e in listed] == [
            ("2026-01-12", 79.9, None), ("2026-01-05", 80.5, 84.0)]
        assert api.delete(f"/progress/body-metrics/{later['id']}").status_code == 204
    assert _metrics_in_db(alice.id) == [("2026-01-05", 80.5, 84.0)]


def test_body_metrics_out_of_range_or_unknown_are_refused_and_nothing_is_saved(running_app, alice):
    with running_app.client(alice.token) as api:
        heavy = api.post("/progress/body-metrics", json={"measured_on": "2026-01-05", "weight_kg": 900})
        assert heavy.status_code == 422
        assert error_of(heavy) == {**error_of(heavy), "code": "invalid", "details": {"field": "weight_kg"}}
        empty = api.post("/progress/body-metrics", json={"measured_on": "2026-01-05"})
        assert error_of(empty)["details"] == {"field": "weight_kg"}
        future = api.post("/progress/body-metrics", json={"measured_on": "2999-01-01", "weight_kg": 80})
        assert error_of(future)["details"] == {"field": "measured_on"}
        for body in ({"measured_on": "yesterday", "weight_kg": 80}, {"measured_on": "2026-01-05", "height_cm": 180},
                     {"measured_on": "2026-01-05", "weight_kg": -1}, {"weight_kg": 80}):
            refused = api.post("/progress/body-metrics", json=body)
            assert refused.status_code == 422 and error_of(refused)["code"] == "invalid_request", body
        assert error_of(api.get("/progress/records", params={"limit": 0}))["code"] == "invalid_request"
        assert api.get("/progress/weeks", params={"weeks": 1000}).status_code == 422
        assert error_of(api.get("/progress/exercises/no-such-move"))["code"] == "not_found"
        ancient = api.get("/progress/exercises/barbell-back-squat", params={"since": "0001-01-01"})
        assert error_of(ancient) == {**error_of(ancient), "code": "invalid", "details": {"field": "since"}}
        assert api.get("/progress/exercises/barbell-back-squat", params={"since": "soon"}).status_code == 422
        assert api.delete("/progress/body-metrics/0").status_code == 422
    assert _metrics_in_db(alice.id) == []


def test_another_members_ids_are_not_found_and_nothing_changes(running_app, alice, bob):
    with db.transaction() as session:
        session.add(Exercise(id="custom-1-sled-run", name="Sled run", pattern="carry", level="beginner",
                             details={"tags": ["distance"]}, is_custom=True, owner_user_id=alice.id))
    with running_app.client(alice.token) as api:
        entry = api.post("/progress/body-metrics", json={"measured_on": "2026-01-05", "weight_kg": 80}).json()
        _finished_workout(api, "barbell-back-squat", reps=5, weight_kg=100)
        assert api.get("/progress/exercises/custom-1-sled-run").json()["kind"] == "cardio"
    with running_app.client(bob.token) as api:
        gone = api.delete(f"/progress/body-metrics/{entry['id']}")
        assert gone.status_code == 404 and error_of(gone)["code"] == "not_found"
        assert api.get("/progress/exercises/custom-1-sled-run").status_code == 404
        assert api.get("/progress/records").json() == []
        assert api.get("/progress/body-metrics").json() == []
        assert api.get("/progress/exercises/barbell-back-squat").json()["strength"]["points"] == []
        assert api.get("/progress/streaks").json()["total_workouts"] == 0
    assert _metrics_in_db(alice.id) == [("2026-01-05", 80.0, None)]


def test_a_read_only_token_reads_progress_but_never_writes(running_app, alice):
    from vigor_app.services.accounts import api_tokens

    reader = api_tokens.create(alice.id, "watch face", ["read"]).token
    with running_app.client(alice.token) as api:
        entry = api.post("/progress/body-metrics", json={"measured_on": "2026-01-05", "weight_kg": 80}).json()
    with running_app.client(reader) as api:
        assert api.get("/progress/body-metrics").json()[0]["id"] == entry["id"]
        assert api.get("/progress/streaks").status_code == 200
        added = api.post("/progress/body-metrics", json={"measured_on": "2026-01-06", "weight_kg": 81})
        assert added.status_code == 403 and error_of(added)["details"]["needed"] == "write"
        assert api.delete(f"/progress/body-metrics/{entry['id']}").status_code == 403
    assert _metrics_in_db(alice.id) == [("2026-01-05", 80.0, None)]
