"""A batch of set changes: in order, each exactly once by its key, refusals kept and shown,
and the same key sent twice at once applied once (both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.factories import make_user
from tests.races import race
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AppliedChange, PersonalRecord, WorkoutSet
from vigor_app.services.errors import ValidationError
from vigor_app.services.training import set_changes, workout_entries, workout_sessions, workout_sets
from vigor_app.services.training.set_changes import SetChange


def _workout(user_id: int) -> tuple[int, int, list[int]]:
    view = workout_sessions.start_freestyle(user_id)
    view = workout_entries.add_exercise(user_id, view.id, "barbell-back-squat")
    entry = view.entries[0]
    return view.id, entry.id, [s.id for s in entry.sets]


def _sets(session_id: int) -> list[tuple[int, int | None, float | None, bool]]:
    with db.read_only() as session:
        rows = session.exec(select(WorkoutSet).where(WorkoutSet.session_id == session_id)
                            .order_by(WorkoutSet.position)).all()
        return [(r.id or 0, r.reps, r.weight_kg, r.done) for r in rows]


def _count(model) -> int:
    with db.read_only() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_change_and_its_key_commit_together_or_not_at_all(database):
    user = make_user().user.id
    session_id, _entry, set_ids = _workout(user)
    before = _sets(session_id)
    [refused] = set_changes.apply(user, [SetChange(key="k", op="save_set", set_id=set_ids[0], reps=5,
                                                   weight_kg=-3)])
    assert refused.status == 422 and refused.error and refused.error["field"] == "weight"
    assert _sets(session_id) == before  # nothing of the refused change was written
    # The refusal is kept under its key: sent again, it is answered the same, not re-judged.
    [again] = set_changes.apply(user, [SetChange(key="k", op="save_set", set_id=set_ids[0], reps=5,
                                                 weight_kg=100)])
    assert again.replayed and again.status == 422
    assert _sets(session_id) == before


def test_a_record_set_by_a_change_is_kept_once(database):
    user = make_user().user.id
    earlier, _entry, earlier_sets = _workout(user)
    workout_sets.save_set(user, earlier_sets[0], reps=5, weight_kg=80)
    workout_sessions.finish(user, earlier)
    _session, _entry, set_ids = _workout(user)
    change = SetChange(key="tick-1", op="save_set", set_id=set_ids[0], reps=5, weight_kg=100)
    [first] = set_changes.apply(user, [change])
    assert first.status == 200 and first.result["records"]
    records = _count(PersonalRecord)
    [second] = set_changes.apply(user, [change])
    assert second.replayed and second.result == first.result
    assert _count(PersonalRecord) == records and _count(AppliedChange) == 1


def test_a_set_added_in_the_queue_is_named_by_its_changes_key(database):
    user = make_user().user.id
    session_id, entry_id, set_ids = _workout(user)
    answers = set_changes.apply(user, [
        SetChange(key="add", op="add_set", entry_id=entry_id),
        SetChange(key="tick", op="save_set", set_ref="add", reps=3, weight_kg=60),
        SetChange(key="ghost", op="save_set", set_ref="never-sent", reps=3),
    ])
    assert [a.status for a in answers] == [200, 200, 404]
    assert _sets(session_id)[-1] == (answers[0].result["set_id"], 3, 60.0, True)


def test_keys_are_checked_before_anything_is_applied(database):
    user = make_user().user.id
    session_id, _entry, set_ids = _workout(user)
    for bad in ([SetChange(key="", op="save_set", set_id=set_ids[0], reps=1)],
                [SetChange(key="a\x00", op="save_set", set_id=set_ids[0], reps=1)],
                [SetChange(key="x" * 101, op="save_set", set_id=set_ids[0], reps=1)],
                [SetChange(key="a", op="save_set", set_id=set_ids[0], reps=1),
                 SetChange(key="a", op="remove_set", set_id=set_ids[1])],
                [SetChange(key="a", op="explode", set_id=set_ids[0])]):
        with pytest.raises(ValidationError):
            set_changes.apply(user, bad)
    assert not any(done for *_rest, done in _sets(session_id)) and _count(AppliedChange) == 0


def test_keys_are_each_persons_own(database):
    alice, bob = make_user("alice").user.id, make_user("bob").user.id
    a_session, _e, a_sets = _workout(alice)
    b_session, _e2, b_sets = _workout(bob)
    [a] = set_changes.apply(alice, [SetChange(key="same", op="save_set", set_id=a_sets[0], reps=5)])
    [b] = set_changes.apply(bob, [SetChange(key="same", op="save_set", set_id=b_sets[0], reps=7)])
    assert not a.replayed and not b.replayed
    [stolen] = set_changes.apply(bob, [SetChange(key="other", op="remove_set", set_id=a_sets[0])])
    assert stolen.status == 404
    assert _sets(a_session)[0][1:] == (5, None, True) and _sets(b_session)[0][1:] == (7, None, True)


def test_the_same_key_sent_twice_at_once_is_applied_once(sqlite_and_postgres):
    user = make_user().user.id
    session_id, entry_id, _sets_ids = _workout(user)
    before = len(_sets(session_id))
    change = SetChange(key="add-once", op="add_set", entry_id=entry_id)
    results = race(lambda _i: set_changes.apply(user, [change])[0], 6)
    assert all(not isinstance(r, BaseException) for r in results), results
    assert {r.status for r in results} == {200}
    assert sum(not r.replayed for r in results) == 1
    assert len({r.result["set_id"] for r in results}) == 1
    assert len(_sets(session_id)) == before + 1


def test_old_keys_are_forgotten(database):
    user = make_user().user.id
    _session, _entry, set_ids = _workout(user)
    old = utcnow() - set_changes.KEPT_FOR - timedelta(minutes=1)
    set_changes.apply(user, [SetChange(key="old", op="save_set", set_id=set_ids[0], reps=5)], now=old)
    set_changes.apply(user, [SetChange(key="new", op="save_set", set_id=set_ids[1], reps=5)])
    assert set_changes.forget_old() == 1
    with db.read_only() as session:
        assert session.exec(select(AppliedChange.key)).all() == ["new"]
