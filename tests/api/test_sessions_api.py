"""Workouts over the API, over real HTTP: start, add, log, read, finish, delete; another
member's ids; scopes; and the batch of set changes, each applied exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import func, select

from tests.api.conftest import error_of
from vigor_app import db
from vigor_app.models import AppliedChange, WorkoutSet


def _workout(api, exercise_id: str = "barbell-back-squat") -> tuple[int, int, list[int]]:
    """A freestyle workout with one exercise; its id, the entry's id and its sets' ids."""
    started = api.post("/sessions", json={"name": "Leg day"})
    assert started.status_code == 201, started.text
    session_id = started.json()["id"]
    added = api.post(f"/sessions/{session_id}/exercises", json={"exercise_id": exercise_id})
    assert added.status_code == 201, added.text
    entry = added.json()["entries"][0]
    return session_id, entry["id"], [s["id"] for s in entry["sets"]]


def _sets_in_db(session_id: int) -> list[WorkoutSet]:
    with db.read_only() as session:
        return list(session.exec(select(WorkoutSet).where(WorkoutSet.session_id == session_id)
                                 .order_by(WorkoutSet.position)).all())


def test_a_member_logs_a_whole_workout(running_app, alice):
    with running_app.client(alice.token) as api:
        session_id, entry_id, set_ids = _workout(api)
        assert api.get("/sessions/open").json()["id"] == session_id
        saved = api.put(f"/sets/{set_ids[0]}", json={"reps": 5, "weight_kg": 100, "rpe": 8})
        assert saved.status_code == 200, saved.text
        assert saved.json()["saved"] == {**saved.json()["saved"], "reps": 5, "weight_kg": 100.0, "done": True}
        more = api.post(f"/entries/{entry_id}/sets")
        assert more.status_code == 201
        assert len(more.json()["entries"][0]["sets"]) == len(set_ids) + 1
        renamed = api.patch(f"/sessions/{session_id}", json={"name": "Heavy legs", "note": "felt good"})
        assert renamed.json()["name"] == "Heavy legs"
        finished = api.post(f"/sessions/{session_id}/finish", json={"intensity": 7})
        assert finished.status_code == 200, finished.text
        assert finished.json()["session"]["status"] == "finished"
        # Only the ticked set stays: unticked ones go at finish, as on the page.
        assert [s.reps for s in _sets_in_db(session_id)] == [5]
        listed = api.get("/sessions", params={"exercise_id": "barbell-back-squat"}).json()
        assert listed["total"] == 1 and listed["items"][0]["volume_kg"] == 500.0
        assert api.get(f"/sessions/{session_id}").json()["intensity"] == 7
        assert api.delete(f"/sessions/{session_id}").status_code == 204
        assert error_of(api.get(f"/sessions/{session_id}"))["code"] == "not_found"


def test_another_members_ids_are_not_found_and_nothing_changes(running_app, alice, bob):
    with running_app.client(alice.token) as api:
        session_id, entry_id, set_ids = _workout(api)
        api.put(f"/sets/{set_ids[0]}", json={"reps": 5, "weight_kg": 100})
    before = [(s.id, s.reps, s.weight_kg, s.done) for s in _sets_in_db(session_id)]
    with running_app.client(bob.token) as api:
        for method, path, body in (
            ("GET", f"/sessions/{session_id}", None),
            ("PATCH", f"/sessions/{session_id}", {"name": "mine now"}),
            ("POST", f"/sessions/{session_id}/finish", {}),
            ("POST", f"/sessions/{session_id}/exercises", {"exercise_id": "air-squat"}),
            ("POST", f"/entries/{entry_id}/sets", None),
            ("DELETE", f"/entries/{entry_id}", None),
            ("PUT", f"/sets/{set_ids[0]}", {"reps": 1, "weight_kg": 1}),
            ("DELETE", f"/sets/{set_ids[1]}", None),
            ("POST", f"/sessions/{session_id}/changes",
             {"changes": [{"key": "k1", "op": "remove_set", "set_id": set_ids[0]}]}),
            ("DELETE", f"/sessions/{session_id}", None),
        ):
            answer = api.request(method, path, json=body)
            assert answer.status_code == 404, (method, path, answer.text)
            assert error_of(answer)["code"] == "not_found"
    assert [(s.id, s.reps, s.weight_kg, s.done) for s in _sets_in_db(session_id)] == before


def test_a_read_only_token_reads_but_never_writes(running_app, alice):
    from vigor_app.services.accounts import api_tokens

    reader = api_tokens.create(alice.id, "watch face", ["read"]).token
    with running_app.client(alice.token) as api:
        session_id, _entry_id, set_ids = _workout(api)
    with running_app.client(reader) as api:
        assert api.get(f"/sessions/{session_id}").status_code == 200
        refused = api.put(f"/sets/{set_ids[0]}", json={"reps": 3})
        assert refused.status_code == 403
        assert error_of(refused)["code"] == "forbidden"
        assert error_of(api.post("/sessions", json={}))["details"]["needed"] == "write"
    assert _sets_in_db(session_id)[0].done is False


def test_the_browsers_session_token_is_accepted(running_app, alice):
    with running_app.client(alice.session_token) as api:
        assert api.get("/me").json()["username"] == "alice"
        assert api.post("/sessions", json={}).status_code == 201


def test_values_out_of_range_are_refused_with_the_field_and_nothing_is_saved(running_app, alice):
    with running_app.client(alice.token) as api:
        session_id, _entry_id, set_ids = _workout(api)
        refused = api.put(f"/sets/{set_ids[0]}", json={"reps": 5, "weight_kg": 5000})
        assert refused.status_code == 422
        error = error_of(refused)
        assert error["code"] == "invalid" and error["details"] == {"field": "weight"}
        typed_wrong = api.put(f"/sets/{set_ids[0]}", json={"reps": "five"})
        assert error_of(typed_wrong)["code"] == "invalid_request"
        assert "five" not in typed_wrong.text  # what was sent is not echoed back
    assert _sets_in_db(session_id)[0].done is False


def test_a_batch_is_applied_in_order_each_change_once(running_app, alice):
    with running_app.client(alice.token) as api:
        session_id, entry_id, set_ids = _workout(api)
        batch = {"changes": [
            {"key": "c1", "op": "save_set", "set_id": set_ids[0], "reps": 5, "weight_kg": 100},
            {"key": "c2", "op": "add_set", "entry_id": entry_id},
            {"key": "c3", "op": "save_set", "set_ref": "c2", "reps": 4, "weight_kg": 105},
            {"key": "c4", "op": "save_set", "set_id": set_ids[1], "reps": 5, "weight_kg": 9999},
            {"key": "c5", "op": "remove_set", "set_id": set_ids[2]},
        ]}
        first = api.post(f"/sessions/{session_id}/changes", json=batch)
        assert first.status_code == 200, first.text
        answers = first.json()["answers"]
        assert [a["status"] for a in answers] == [200, 200, 200, 422, 200]
        assert answers[3]["error"]["field"] == "weight" and not any(a["replayed"] for a in answers)
        new_set = answers[1]["result"]["set_id"]
        assert answers[2]["result"]["set_id"] == new_set
        after_first = [(s.id, s.reps, s.weight_kg, s.done) for s in _sets_in_db(session_id)]
        assert after_first == [(set_ids[0], 5, 100.0, True), (set_ids[1], after_first[1][1], after_first[1][2], False),
                               (new_set, 4, 105.0, True)]
        # The reply was lost; the phone sends the whole queue again: nothing is applied twice.
        again = api.post(f"/sessions/{session_id}/changes", json=batch)
        assert [a["status"] for a in again.json()["answers"]] == [200, 200, 200, 422, 200]
        assert all(a["replayed"] for a in again.json()["answers"])
        assert [(s.id, s.reps, s.weight_kg, s.done) for s in _sets_in_db(session_id)] == after_first
        finish = api.post(f"/sessions/{session_id}/changes", json={"changes": [{"key": "c6", "op": "finish"}]})
        assert finish.json()["answers"][0]["status"] == 200
        assert finish.json()["session"]["status"] == "finished"
    with db.read_only() as session:
        assert session.exec(select(func.count()).select_from(AppliedChange)).one() == 6


def test_a_batch_with_a_repeated_key_or_too_many_changes_is_refused_whole(running_app, alice):
    with running_app.client(alice.token) as api:
        session_id, _entry_id, set_ids = _workout(api)
        twice = api.post(f"/sessions/{session_id}/changes", json={"changes": [
            {"key": "same", "op": "save_set", "set_id": set_ids[0], "reps": 5},
            {"key": "same", "op": "save_set", "set_id": set_ids[1], "reps": 5}]})
        assert twice.status_code == 422 and error_of(twice)["details"] == {"field": "key"}
        many = api.post(f"/sessions/{session_id}/changes", json={"changes": [
            {"key": f"k{i}", "op": "save_set", "set_id": set_ids[0], "reps": 5} for i in range(101)]})
        assert many.status_code == 422
    assert not any(s.done for s in _sets_in_db(session_id))


def test_a_workouts_name_is_checked_when_it_starts_as_when_it_is_renamed(running_app, alice):
    with running_app.client(alice.token) as api:
        for name in ("bell\x07", "tab\tin it", "x" * 121):
            refused = api.post("/sessions", json={"name": name})
            assert refused.status_code == 422, name
        assert api.get("/sessions/open").status_code == 404
        assert api.post("/sessions", json={"name": "  Pull day  "}).json()["name"] == "Pull day"


def test_a_set_changed_on_two_devices_keeps_the_later_change_and_says_so(running_app, alice):
    with running_app.client(alice.token) as api:
        session_id, _entry_id, set_ids = _workout(api)
        copy = api.get("/sessions/open").json()  # the phone's copy, before going offline
        seen = copy["entries"][0]["sets"][0]["changed_at"]
        assert seen is None
        # Another device (the live page, or a second phone online) saves sets 1 and 2 now.
        live = api.put(f"/sets/{set_ids[0]}", json={"reps": 5, "weight_kg": 100})
        api.put(f"/sets/{set_ids[1]}", json={"reps": 5, "weight_kg": 100})
        other_at = live.json()["saved"]["changed_at"]
        # The phone changed set 1 a minute before that (loses) and set 2 a second after (wins).
        then = datetime.fromisoformat(other_at)
        answers = api.post(f"/sessions/{session_id}/changes", json={"changes": [
            {"key": "p1", "op": "save_set", "set_id": set_ids[0], "reps": 8, "weight_kg": 90,
             "made_at": (then - timedelta(minutes=1)).isoformat(), "seen_changed_at": seen},
            {"key": "p2", "op": "save_set", "set_id": set_ids[1], "reps": 8, "weight_kg": 90,
             "made_at": (then + timedelta(seconds=1)).isoformat(), "seen_changed_at": seen},
        ]}).json()["answers"]
        assert answers[0]["status"] == 409 and answers[0]["error"]["code"] == "changed_elsewhere"
        assert datetime.fromisoformat(answers[0]["error"]["changed_elsewhere_at"]) == then
        assert answers[1]["status"] == 200 and "changed_elsewhere_at" in answers[1]["result"]
        assert [(s.reps, s.weight_kg) for s in _sets_in_db(session_id)][:2] == [(5, 100.0), (8, 90.0)]
        far = api.post(f"/sessions/{session_id}/changes", json={"changes": [
            {"key": "p3", "op": "save_set", "set_id": set_ids[2], "reps": 8, "made_at": "0001-01-01T00:00:00+01:00"}]})
        assert far.status_code == 422 and error_of(far)["details"][0]["where"][-1] == "made_at"
