"""History cards with their sets, and one exercise's page, through the State handlers: in the
person's units and zone, linked both ways, and nothing of anybody else's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import LoggedSet
from vigor_app.services.your_data import importer as data_import
from vigor_app.state.exercise_history import ExerciseHistoryState, exercise_href
from vigor_app.state.exercises import ExercisesState
from vigor_app.state.history import HistoryState

PAGE = "/history/exercise"
BENCH = "barbell-bench-press"
SECRET = "Alicequest Zercher"
STRONG = (
    "Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes;RPE\n"
    f"2024-01-15 07:30:00;Morning;1h 5m;{SECRET};1;40.0;8;0;0;;;\n"
)


@pytest.fixture
def alice(browser):
    me = make_user("alice")
    seeding.set_profile(me.user.id, timezone="Europe/Berlin", units="lb")
    tab = browser()
    tab.state(HistoryState).session_token = me.token
    return me.user.id, tab


def _page(tab, exercise_id: str):
    state, _ = tab.call(ExerciseHistoryState, "load", path=PAGE, query={"id": exercise_id})
    return state


def test_history_cards_list_each_exercise_and_its_sets_in_the_persons_units(alice):
    user_id, tab = alice
    seeding.add_session(user_id, datetime(2026, 11, 2, 17, tzinfo=UTC), {
        BENCH: [LoggedSet(reps=8, weight_kg=60, rpe=8), LoggedSet(reps=5, weight_kg=100, done=False)],
        "forearm-plank": [LoggedSet(seconds=45)],
    }, name="Push day")
    seeding.add_session(user_id, datetime(2026, 11, 1, 17, tzinfo=UTC), {"forearm-plank": [LoggedSet(seconds=150)]},
                        name="Core", minutes=20)
    history, _ = tab.call(HistoryState, "load", path="/history")
    card, core = history.items
    assert (card.name, card.when) == ("Push day", "Mon 02 Nov 2026, 18:00")
    assert card.summary == "60 minutes · 2 exercises · 2 sets · 1,058 lb lifted · effort —"
    assert core.summary == "20 minutes · 1 exercise · 1 set · effort —"  # nothing lifted, nothing said
    assert history.total_text == "2 workouts"
    assert [c.text for c in core.lines[0].sets] == ["2:30"]
    assert [(line.name, line.href, [c.text for c in line.sets]) for line in card.lines] == [
        ("Barbell bench press", exercise_href(BENCH), ["132.5 lb × 8 @ 8"]),
        ("Forearm plank", exercise_href("forearm-plank"), ["45 s"]),
    ]


def test_the_exercise_page_shows_every_workout_records_and_a_chart(alice):
    user_id, tab = alice
    for day in (2, 9):
        seeding.add_session(user_id, datetime(2026, 11, day, 17, tzinfo=UTC),
                            {BENCH: [(8, 60 + day), (8, 60 + day)]}, name=f"Push {day}")
    state = _page(tab, BENCH)
    assert (state.name, state.missing, state.units, state.total, state.more) == (
        "Barbell bench press", "", "lb", 2, False)
    assert [(w.name, w.when, [c.text for c in w.sets]) for w in state.workouts] == [
        ("Push 9", "Mon 09 Nov 2026, 18:00", ["152 lb × 8", "152 lb × 8"]),
        ("Push 2", "Mon 02 Nov 2026, 18:00", ["136.5 lb × 8", "136.5 lb × 8"]),
    ]
    assert {"label": "Heaviest for 8 reps", "value": "152 lb"} in state.bests
    assert state.bests[0]["label"] == "Best estimated 1-rep max"
    assert state.lifted and state.chart_name == "Estimated 1-rep max"
    assert [(p["x"], p["top"]) for p in state.chart] == [("2026-11-02", 136.7), ("2026-11-09", 152.1)]


def test_show_more_lists_older_workouts(alice, monkeypatch):
    user_id, tab = alice
    from vigor_app.services.training import exercise_history

    monkeypatch.setattr(exercise_history, "PAGE", 2)
    for day in range(1, 6):
        seeding.add_session(user_id, datetime(2026, 11, day, 17, tzinfo=UTC), {BENCH: [(5, 50 + day)]})
    state = _page(tab, BENCH)
    assert len(state.workouts) == 2 and state.more and state.total == 5
    state, _ = tab.call(ExerciseHistoryState, "show_more", path=PAGE, query={"id": BENCH})
    assert len(state.workouts) == 4 and state.more
    state, _ = tab.call(ExerciseHistoryState, "show_more", path=PAGE, query={"id": BENCH})
    assert len(state.workouts) == 5 and not state.more
    assert len(state.chart) == 5


def test_another_persons_exercise_is_not_found_and_shows_nothing_of_theirs(alice, browser):
    user_id, tab = alice
    data_import.import_csv(user_id, STRONG, source="strong", weight_unit="kg")
    history, _ = tab.call(HistoryState, "load", path="/history")
    [line] = history.items[0].lines
    assert line.name == SECRET and line.href.startswith(PAGE + "?id=custom-")
    custom_id = line.href.split("=", 1)[1]
    assert _page(tab, custom_id).name == SECRET  # her own exercise has its page

    bob = make_user("bob")
    theirs = browser()
    theirs.state(ExerciseHistoryState).session_token = bob.token
    for wrong in (custom_id, "no-such-exercise", "", "x" * 5000):
        state = _page(theirs, wrong)
        assert state.missing == "That exercise is not in your library."
        assert (state.name, state.workouts, state.chart, state.bests) == ("", [], [], [])
    assert SECRET not in json.dumps(theirs.root.dict(), default=str)


def test_a_tab_signed_out_gets_nothing(alice, browser):
    user_id, _ = alice
    seeding.add_session(user_id, datetime(2026, 11, 2, 17, tzinfo=UTC), {BENCH: [(8, 60)]})
    anonymous = browser()
    state = _page(anonymous, BENCH)
    assert (state.loaded, state.workouts, state.total) == (False, [], 0)
    state, _ = anonymous.call(ExerciseHistoryState, "show_more", path=PAGE)
    assert state.workouts == []


def test_the_exercise_library_links_what_the_person_has_logged(alice):
    user_id, tab = alice
    seeding.add_session(user_id, datetime(2026, 11, 2, 17, tzinfo=UTC), {BENCH: [(8, 60)]})
    state, _ = tab.call(ExercisesState, "load", path="/exercises")
    state, _ = tab.call(ExercisesState, "set_search", "bench press", path="/exercises")
    links = {c["id"]: c["history"] for c in state.cards}
    assert links[BENCH] == exercise_href(BENCH)
    assert links["dumbbell-bench-press"] == ""
