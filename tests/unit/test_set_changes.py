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


# -- the same set changed on two devices: the later change wins, and the answer says so -------

def _changed_at(set_id: int):
    with db.read_only() as session:
        row = session.get(WorkoutSet, set_id)
        assert row is not None
        return row.changed_at


def test_a_change_made_after_the_other_devices_wins_and_names_it(database):
    user = make_user().user.id
    session_id, _entry, set_ids = _workout(user)
    start = utcnow()
    seen = _changed_at(set_ids[0])  # the phone's copy: never changed
    assert seen is None
    # The live page (another device) saves the set at start + 1 min ...
    workout_sets.save_set(user, set_ids[0], reps=5, weight_kg=100, now=start + timedelta(minutes=1))
    other = _changed_at(set_ids[0])
    # ... the phone, offline, changed it at start + 2 min on the copy it had before that.
    [answer] = set_changes.apply(user, [SetChange(key="later", op="save_set", set_id=set_ids[0], reps=8,
                                                  weight_kg=90, made_at=start + timedelta(minutes=2))],
                                 now=start + timedelta(minutes=5))
    assert answer.status == 200
    assert answer.result["changed_elsewhere_at"] == other.isoformat()
    assert _sets(session_id)[0][1:] == (8, 90.0, True)
    assert _changed_at(set_ids[0]) == start + timedelta(minutes=2)  # when the person made it


def test_a_change_made_before_the_other_devices_is_refused_and_changes_nothing(database):
    user = make_user().user.id
    session_id, _entry, set_ids = _workout(user)
    start = utcnow()
    workout_sets.save_set(user, set_ids[0], reps=5, weight_kg=100, now=start + timedelta(minutes=3))
    before = _sets(session_id)
    changes = [SetChange(key="early", op="save_set", set_id=set_ids[0], reps=8, weight_kg=90,
                         made_at=start + timedelta(minutes=2)),
               SetChange(key="gone", op="remove_set", set_id=set_ids[0], made_at=start + timedelta(minutes=2)),
               SetChange(key="other", op="save_set", set_id=set_ids[1], reps=6, weight_kg=95,
                         made_at=start + timedelta(minutes=2))]
    early, gone, other = set_changes.apply(user, changes, now=start + timedelta(minutes=5))
    assert early.status == gone.status == 409
    assert early.error and early.error["code"] == "changed_elsewhere"
    assert early.error["changed_elsewhere_at"] == (start + timedelta(minutes=3)).isoformat()
    assert "another device" in early.error["message"]
    assert other.status == 200 and "changed_elsewhere_at" not in other.result  # untouched elsewhere
    after = _sets(session_id)
    assert after[0] == before[0]  # the later change (the live page's) stands
    assert after[1][1:] == (6, 95.0, True)


def test_a_phones_own_changes_in_a_row_are_no_conflict(database):
    """The phone's copy takes each of its own changes' times: the second change of a set is
    made on the first, not on another device's."""
    user = make_user().user.id
    session_id, _entry, set_ids = _workout(user)
    start = utcnow()
    first, second = start + timedelta(minutes=1), start + timedelta(minutes=2)
    answers = set_changes.apply(user, [
        SetChange(key="a", op="save_set", set_id=set_ids[0], reps=5, weight_kg=100, made_at=first),
        SetChange(key="b", op="save_set", set_id=set_ids[0], reps=6, weight_kg=100, made_at=second,
                  seen_changed_at=first),
    ], now=start + timedelta(minutes=3))
    assert [a.status for a in answers] == [200, 200]
    assert all("changed_elsewhere_at" not in a.result for a in answers)
    assert _sets(session_id)[0][1:] == (6, 100.0, True)


def test_a_phone_clock_ahead_is_taken_as_now(database):
    user = make_user().user.id
    _session, _entry, set_ids = _workout(user)
    now = utcnow()
    workout_sets.save_set(user, set_ids[0], reps=5, weight_kg=100, now=now - timedelta(seconds=1))
    # A clock a day ahead does not let a change beat one made after it on another device later on.
    [answer] = set_changes.apply(user, [SetChange(key="ahead", op="save_set", set_id=set_ids[0], reps=8,
                                                  weight_kg=90, made_at=now + timedelta(days=1))], now=now)
    assert answer.status == 200 and _changed_at(set_ids[0]) == now
    [late] = set_changes.apply(user, [SetChange(key="after", op="save_set", set_id=set_ids[0], reps=9,
                                                weight_kg=90, made_at=now - timedelta(seconds=30))],
                               now=now + timedelta(minutes=1))
    assert late.status == 409


def test_a_change_without_a_time_is_applied_as_before(database):
    user = make_user().user.id
    session_id, _entry, set_ids = _workout(user)
    workout_sets.save_set(user, set_ids[0], reps=5, weight_kg=100, now=utcnow() + timedelta(minutes=3))
    [answer] = set_changes.apply(user, [SetChange(key="script", op="save_set", set_id=set_ids[0], reps=8,
                                                  weight_kg=90)])
    assert answer.status == 200 and _sets(session_id)[0][1:] == (8, 90.0, True)
