"""The Progress page's handlers: a run or a row shows distance and pace, a lift its strength."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import LoggedSet
from vigor_app.state.progress import ProgressState


def _run(metres: float, seconds: int) -> LoggedSet:
    return LoggedSet(distance_m=metres, seconds=seconds)


@pytest.fixture
def runner(browser):
    me = make_user("alice")
    seeding.set_profile(me.user.id, units="lb")
    start = datetime.now(UTC) - timedelta(days=20)
    for week, (metres, seconds) in enumerate([(5000, 1500), (8046.72, 2400), (5000, 1450)]):
        seeding.add_session(me.user.id, start + timedelta(days=7 * week), {"running": [_run(metres, seconds)]},
                            minutes=40)
    seeding.add_session(me.user.id, start + timedelta(days=1), {"barbell-back-squat": [(5, 100)]})
    tab = browser()
    tab.state(ProgressState).session_token = me.token
    tab.call(ProgressState, "load", path="/progress")
    return tab


def test_a_run_shows_its_distance_pace_and_bests_in_the_persons_units(runner):
    state = runner.state(ProgressState, "/progress")
    assert state.exercise == "barbell-back-squat" and not state.cardio, "the page opens on a lift"
    state, _ = runner.call(ProgressState, "choose_exercise", "running", path="/progress")
    assert state.cardio and state.strength == []
    assert state.distance_unit == "mi"
    assert [p["distance_text"] for p in state.cardio_points] == ["3.11 mi", "5 mi", "3.11 mi"]
    assert [p["pace_text"] for p in state.cardio_points] == ["8:03 /mi", "8:00 /mi", "7:47 /mi"]
    assert state.cardio_points[1]["pace"] == 8.0
    assert state.cardio_bests == ["Longest run: 5 mi", "Fastest 5 km: 24:10", "Best pace: 7:47 /mi"]
    assert state.cardio_totals.startswith("This week ") and " mi · this month " in state.cardio_totals


def test_choosing_a_lift_again_shows_its_strength_chart(runner):
    runner.call(ProgressState, "choose_exercise", "running", path="/progress")
    state, _ = runner.call(ProgressState, "choose_exercise", "barbell-back-squat", path="/progress")
    assert not state.cardio and state.cardio_points == [] and state.cardio_bests == []
    assert state.strength == [{"x": state.strength[0]["x"], "e1rm": 257.3, "top": 220.5}]


def test_records_on_the_page_are_worded_in_the_persons_units(browser):
    bob = make_user("bob")
    seeding.set_profile(bob.user.id, units="lb")
    now = datetime.now(UTC)
    seeding.add_record(bob.user.id, "running", 1450, now - timedelta(minutes=1), kind="fastest_5k", previous=1500)
    seeding.add_record(bob.user.id, "running", 292, now, kind="best_pace", previous=300)
    seeding.add_record(bob.user.id, "treadmill-run", 12400, now - timedelta(days=1), kind="longest_distance",
                       previous=10000)
    tab = browser()
    tab.state(ProgressState).session_token = bob.token
    state, _ = tab.call(ProgressState, "load", path="/progress")
    assert [(r["name"], r["kind"], r["value"]) for r in state.records] == [
        ("Running", "Best pace", "7:50 /mi"), ("Running", "Fastest 5 km", "24:10"),
        ("Treadmill run", "Longest run", "7.71 mi")]
