"""The coach resolves what a person means from their own log first: "my squat" is the squat they
log, "yesterday's workout" the session they did yesterday; a truly ambiguous word is asked back.

The people are the coach evaluation's (tests/coach_eval/people.py): Sam logs back squats though
his plan names a box squat (the reviewer's defect), both bench and overhead press; Ana (lb, New
York) did not train yesterday; "now" is Thursday 19 November 2026, 18:00 UTC.
"""

from datetime import date

import pytest

from tests.coach_eval import people
from vigor_app.services.coach import builtin, own_exercises, session_refs
from vigor_app.services.coach.context import build_context
from vigor_app.services.coach.exercise_mentions import resolve_exercise

NOW = people.NOW


@pytest.fixture
def sam(database) -> people.Person:
    return people.seed_sam()


@pytest.fixture
def ana(database) -> people.Person:
    return people.seed_ana()


def _resolve(person: people.Person, message: str):
    context = build_context(person.user_id, NOW)
    own = own_exercises.read_own(person.user_id, context.plan, NOW)
    p = context.profile
    return resolve_exercise(message, own, p.equipment, p.injuries, p.fitness_level)


def test_my_squat_is_the_squat_logged_not_the_one_only_planned(sam):
    answer = builtin.reply(sam.user_id, "How is my squat progressing and what weight should I use next time?", NOW)
    assert answer.exercise_ids == ("barbell-back-squat",)
    assert answer.intent == "progress"
    assert "Barbell back squat" in answer.text and "box squat" not in answer.text.lower()
    assert "107.5 kg × 6" in answer.text  # his last sets, from his log
    assert "Next time:" in answer.text


@pytest.mark.parametrize(("message", "expected"), [
    ("squat", "barbell-back-squat"), ("bench", "barbell-bench-press"), ("OHP", "barbell-overhead-press"),
    ("military press", "barbell-overhead-press"), ("RDLs", "barbell-romanian-deadlift"),
    ("deadlift", "barbell-deadlift"), ("pull ups", "pull-up"), ("curls", "dumbbell-biceps-curl"),
    ("lunges", "walking-lunge"), ("calf raises", "standing-calf-raise"),
    ("front squat", "barbell-front-squat"),  # a variant said is a variant meant: his one front squat
    ("box squat", "barbell-box-squat"),  # planned, never logged: still his
    ("dumbbell bench press", "dumbbell-bench-press"),  # not his: the catalogue's
    ("my last run", "running"),
])
def test_sams_words_resolve_to_his_exercises(sam, message, expected):
    found = _resolve(sam, message)
    assert found.mention is not None and found.mention.exercise.id == expected


@pytest.mark.parametrize(("message", "expected"), [
    ("squats", "goblet-squat"), ("bench", "dumbbell-bench-press"), ("RDL", "dumbbell-romanian-deadlift"),
    ("shoulder press", "dumbbell-overhead-press"), ("split squats", "dumbbell-bulgarian-split-squat"),
    ("rows", "one-arm-dumbbell-row"), ("push ups", "push-up"),
])
def test_anas_words_resolve_to_her_exercises(ana, message, expected):
    found = _resolve(ana, message)
    assert found.mention is not None and found.mention.exercise.id == expected


def test_a_truly_ambiguous_word_is_asked_back(sam):
    answer = builtin.reply(sam.user_id, "how is my press coming along?", NOW)
    assert answer.intent == "clarify" and answer.exercise_ids == ()
    assert "Barbell bench press" in answer.text and "Barbell overhead press" in answer.text
    # the same word with the lift named is not ambiguous
    assert builtin.reply(sam.user_id, "how is my bench press going?", NOW).exercise_ids == ("barbell-bench-press",)


def test_a_word_used_far_more_for_one_movement_is_not_ambiguous(ana):
    # goblet squats nine times, split squats four: "squats" is the goblet squat
    assert _resolve(ana, "how are my squats?").choices == ()


@pytest.mark.parametrize(("message", "label"), [
    ("How did yesterday's workout go?", "yesterday"), ("what did I do on my last leg day", "last_leg"),
    ("how many sets did I do this week", "this_week"), ("summary of last week", "last_week"),
    ("how was monday's session", "monday"), ("my last workout?", "last"), ("how did my last run go", "last_run"),
])
def test_session_references_find_the_sessions_meant(sam, message, label):
    answer = builtin.reply(sam.user_id, message, NOW)
    assert answer.intent == "review"
    assert sorted(answer.session_ids) == sorted(sam.sessions[label])


def test_yesterdays_workout_reads_its_sets_from_the_log(sam):
    answer = builtin.reply(sam.user_id, "How did yesterday's workout go?", NOW)
    assert "**Upper B** on Wed 18 Nov" in answer.text
    assert "Barbell overhead press: 53.75 kg × 6 @ 8" in answer.text  # 45 + 1.25 × 7, his last week


def test_no_session_on_the_day_says_so_and_names_the_last_one(ana):
    answer = builtin.reply(ana.user_id, "how was yesterday's session", NOW)
    assert answer.session_ids == ()
    assert "didn't log a finished workout yesterday" in answer.text
    assert "Mon 16 Nov" in answer.text  # her last, in her own time zone


def test_the_week_is_counted_against_the_plan(sam):
    answer = builtin.reply(sam.user_id, "what did I do this week", NOW)
    assert "3 workouts on 3 days, 39 working sets" in answer.text
    assert "3 of your 4 planned sessions" in answer.text


def test_an_exercise_and_a_session_together(sam):
    answer = builtin.reply(sam.user_id, "how did my squats go on my last leg day?", NOW)
    assert answer.session_ids == tuple(sam.sessions["last_leg"])
    assert answer.exercise_ids == ("barbell-back-squat",)
    assert "**Barbell back squat**: 107.5 kg × 6" in answer.text


def test_a_reference_reads_dates_in_the_persons_zone():
    thursday = date(2026, 11, 19)
    reference = session_refs.read_reference("what about monday's workout", thursday)
    assert reference is not None and reference.first == date(2026, 11, 16) == reference.last
    week = session_refs.read_reference("last week", thursday)
    assert week is not None and (week.first, week.last) == (date(2026, 11, 9), date(2026, 11, 15))
    assert session_refs.read_reference("what should I train today?", thursday) is None


def test_what_the_coach_knows_names_their_exercises_and_their_runs(sam):
    """The same facts reach an AI provider and the "What the coach knows" panel."""
    text = build_context(sam.user_id, NOW).as_text()
    assert "Exercises they log, most lately and most often first" in text
    assert "Barbell back squat (14 workouts, last 2026-11-17)" in text
    assert "Barbell box squat (" not in text  # planned, never logged
    assert "2026-11-15 Sunday run (27 min): Running 5 km · 24:30 · 4:54 /km (1 set)" in text


def test_a_missed_day_that_is_in_the_log_is_said_to_be_there(sam, ana):
    answer = builtin.reply(sam.user_id, "I missed my workout on Monday, what now?", NOW)
    assert answer.intent == "missed" and answer.session_ids == tuple(sam.sessions["monday"])
    assert answer.text.startswith("Your log has a workout on Monday: **Upper A** (13 sets) - that one isn't missed.")
    missed = builtin.reply(ana.user_id, "I missed yesterday, what now?", NOW)
    assert missed.session_ids == () and "isn't missed" not in missed.text
