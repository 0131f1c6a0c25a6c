"""Your data over the API, over real HTTP: the JSON and CSV exports (mine only), importing a
file (the page's checks and report; a bad file 422, a large one 413), and deleting the account
(the page's confirmation); another member's data; scopes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlmodel import func, select

from tests.api.conftest import error_of
from tests.factories import DEFAULT_PASSWORD
from vigor_app import db
from vigor_app.models import ApiToken, AuditEntry, User, WorkoutSession
from vigor_app.services.accounts import api_tokens
from vigor_app.services.your_data import file_cells

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEVY = (FIXTURES / "hevy.csv").read_bytes()


def _sessions_of(user_id: int) -> int:
    with db.read_only() as session:
        return session.exec(select(func.count()).select_from(WorkoutSession)
                            .where(WorkoutSession.user_id == user_id)).one()


def _log_a_workout(api) -> int:
    started = api.post("/sessions", json={"name": "Leg day"}).json()
    added = api.post(f"/sessions/{started['id']}/exercises", json={"exercise_id": "barbell-back-squat"}).json()
    set_id = added["entries"][0]["sets"][0]["id"]
    assert api.put(f"/sets/{set_id}", json={"reps": 5, "weight_kg": 100}).status_code == 200
    assert api.post(f"/sessions/{started['id']}/finish", json={}).status_code == 200
    return started["id"]


def _upload(api, content: bytes, name: str = "export.csv", **form):
    return api.post("/your-data/import", files={"file": (name, content, "text/csv")}, data=form)


def test_the_exports_hold_my_data_and_nobody_elses(running_app, alice, bob):
    with running_app.client(bob.token) as api:
        _log_a_workout(api)
    with running_app.client(alice.token) as api:
        mine = _log_a_workout(api)
        exported = api.get("/your-data/export")
        assert exported.status_code == 200, exported.text
        document = exported.json()
        assert document["format"] == "vigor-export" and document["account"]["email"] == "alice@example.com"
        assert [s["id"] for s in document["sessions"]] == [mine]
        assert "bob" not in exported.text
        sheet = api.get("/your-data/sets.csv")
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/csv")
    assert "vigor-sets.csv" in sheet.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert [(r["session"], r["exercise_id"], r["reps"], r["weight_kg"]) for r in rows] == [
        ("Leg day", "barbell-back-squat", "5", "100")]


def test_an_import_brings_the_workouts_in_once_with_the_pages_report(running_app, alice, bob):
    with running_app.client(alice.token) as api:
        first = _upload(api, HEVY, "hevy.csv")
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["message"].startswith("Imported 2 workouts") and "from Hevy" in body["message"]
        assert body["report"]["sessions"] == 2 and body["report"]["source"] == "hevy"
        assert body["report"]["sets"] > 0 and body["report"]["skipped_sessions"] == 0
        assert _sessions_of(alice.id) == 2
        again = _upload(api, HEVY, "hevy.csv", source="hevy")
        assert again.status_code == 200, again.text
        assert again.json()["report"]["sessions"] == 0 and again.json()["report"]["skipped_sessions"] == 2
        assert "2 already here were skipped" in again.json()["message"]
    assert _sessions_of(alice.id) == 2
    assert _sessions_of(bob.id) == 0


def test_a_bad_file_is_refused_with_the_files_error_and_nothing_is_imported(running_app, alice):
    with running_app.client(alice.token) as api:
        unknown = _upload(api, b"not,a,known\nheader,at,all\n")
        assert unknown.status_code == 422
        error = error_of(unknown)
        assert error["code"] == "invalid" and error["details"] == {"field": "file"}
        broken = HEVY.replace(b",5,,,8", b",-5,,,8", 1)
        assert broken != HEVY
        refused = _upload(api, broken)
        assert refused.status_code == 422 and "Line" in error_of(refused)["message"]
        empty = _upload(api, b"")
        assert empty.status_code == 422 and error_of(empty)["details"] == {"field": "file"}
        wrong_source = _upload(api, HEVY, source="fitbit")
        assert wrong_source.status_code == 422 and error_of(wrong_source)["code"] == "invalid_request"
        no_file = api.post("/your-data/import", data={"source": "hevy"})
        assert no_file.status_code == 422 and error_of(no_file)["code"] == "invalid_request"
    assert _sessions_of(alice.id) == 0


def test_an_import_over_the_limit_is_refused_with_413(running_app, alice):
    with running_app.client(alice.token) as api:
        far_over = _upload(api, b"x" * (6 * 1024 * 1024))
        assert far_over.status_code == 413
        assert error_of(far_over)["code"] == "too_large"
        just_over = _upload(api, b"x" * (file_cells.MAX_BYTES + 1))  # within the body's slack
        assert just_over.status_code == 413
        assert "5 MB" in error_of(just_over)["message"]
        # Other endpoints keep the small limit: only the import takes a file this size.
        big_body = api.post("/membership/upgrade-requests", content=b"{" + b" " * (1024 * 1024) + b"}",
                            headers={"Content-Type": "application/json"})
        assert big_body.status_code == 413
    assert _sessions_of(alice.id) == 0


def test_a_read_only_token_exports_but_never_imports_or_deletes(running_app, alice):
    reader = api_tokens.create(alice.id, "backup script", ["read"]).token
    with running_app.client(reader) as api:
        assert api.get("/your-data/export").status_code == 200
        assert api.get("/your-data/sets.csv").status_code == 200
        refused = _upload(api, HEVY)
        assert refused.status_code == 403 and error_of(refused)["details"]["needed"] == "write"
        kept = api.post("/your-data/delete-account", json={"confirm": "alice", "password": DEFAULT_PASSWORD})
        assert kept.status_code == 403 and error_of(kept)["code"] == "forbidden"
    assert _sessions_of(alice.id) == 0
    with db.read_only() as session:
        assert session.get(User, alice.id) is not None


def test_deleting_the_account_needs_the_pages_confirmation(running_app, alice, bob):
    with running_app.client(bob.token) as api:
        bobs = _log_a_workout(api)
    with running_app.client(alice.token) as api:
        _log_a_workout(api)
        wrong_name = api.post("/your-data/delete-account", json={"confirm": "bob", "password": DEFAULT_PASSWORD})
        assert wrong_name.status_code == 422 and error_of(wrong_name)["details"] == {"field": "confirm"}
        no_password = api.post("/your-data/delete-account", json={"confirm": "alice"})
        assert no_password.status_code == 422 and error_of(no_password)["details"] == {"field": "password"}
        wrong_password = api.post("/your-data/delete-account", json={"confirm": "alice", "password": "nope-nope-1"})
        assert wrong_password.status_code == 403
        assert error_of(wrong_password)["details"] == {"field": "password"}
        extra = api.post("/your-data/delete-account", json={"confirm": "alice", "password": DEFAULT_PASSWORD,
                                                            "user_id": bob.id})
        assert extra.status_code == 422 and error_of(extra)["code"] == "invalid_request"
        assert _sessions_of(alice.id) == 1
        deleted = api.post("/your-data/delete-account", json={"confirm": " Alice ", "password": DEFAULT_PASSWORD})
        assert deleted.status_code == 204, deleted.text
        gone = api.get("/me")
        assert gone.status_code == 401 and error_of(gone)["code"] == "unauthorized"
    with db.read_only() as session:
        assert session.get(User, alice.id) is None
        assert session.exec(select(ApiToken).where(ApiToken.user_id == alice.id)).all() == []
        audited = session.exec(select(AuditEntry).where(AuditEntry.action == "account.delete")).all()
        assert [(a.target_id, a.client_ip) for a in audited] == [(str(alice.id), "127.0.0.1")]
        assert session.get(User, bob.id) is not None
    assert _sessions_of(alice.id) == 0
    with running_app.client(bob.token) as api:
        assert api.get(f"/sessions/{bobs}").status_code == 200
        assert json.loads(api.get("/your-data/export").text)["account"]["username"] == "bob"
