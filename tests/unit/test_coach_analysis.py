"""The post-workout analysis: records set, the comparison with last time, effort against the
target, and one concrete suggestion for next time."""

from datetime import UTC, date, datetime

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import local_time, plan_day
from vigor_app.services.coach.analysis import post_workout_analysis
from vigor_app.services.errors import NotFound

pytestmark = pytest.mark.usefixtures("database")

MON_9, MON_16 = date(2026, 11, 9), date(2026, 11, 16)



@pytest.fixture
def alice() -> int:
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id)
    return user_id


@pytest.fixture
def plan(alice) -> int:
    return seeding.add_plan(alice, [
        plan_day("Full body A", "mon", ["barbell-back-squat", "barbell-bench-press"], reps="5"),
    ], name="One day")


def train(user_id: int, day: date, squat: float, bench: float, *, plan_id: int | None = None,
          rpe: float = 8.0, name: str = "Full body A") -> int:
    return seeding.add_session(
        user_id, local_time(day, 9),
        {"barbell-back-squat": [(5, squat, rpe)] * 3, "barbell-bench-press": [(5, bench, rpe)] * 3},
        plan_id=plan_id, plan_day_index=0 if plan_id else None, name=name, minutes=50,
        target_reps="5", target_rpe=8.0, target_sets=3)


def test_a_session_with_a_record_says_what_improved_and_what_is_next(alice, plan):
    train(alice, MON_9, 95, 70, plan_id=plan)
    session_id = train(alice, MON_16, 97.5, 72.5, plan_id=plan)
    seeding.add_record(alice, "barbell-back-squat", 97.5, local_time(MON_16, 9, 10), kind="weight_for_reps",
                       reps=5, previous=95, session_id=session_id)
    seeding.add_record(alice, "barbell-back-squat", 113.8, local_time(MON_16, 9, 10), previous=110.8,
                       session_id=session_id)
    text = post_workout_analysis(alice, session_id)
    assert text.startswith("### Full body A - Mon 16 Nov")
    # 3 x 5 x 97.5 + 3 x 5 x 72.5 = 2,550 kg; last time 3 x 5 x 95 + 3 x 5 x 70 = 2,475 kg.
    assert "2 exercises, 6 sets done, 2,550 kg lifted in 50 min." in text
    assert "- New record - **Barbell back squat**: 97.5 kg × 5 (was 95 kg)." in text
    assert "- New record - **Barbell back squat**: estimated 1-rep max 113.8 kg (was 110.8 kg)." in text
    assert ("- Volume: 2,550 kg against 2,475 kg last time (Full body A on Mon 9 Nov) (+3 %); "
            "6 sets against 6.") in text
    assert "- Barbell bench press: top set 72.5 kg × 5, up from 70 kg × 5." in text
    assert "- Barbell back squat: RPE 8, right on the target of 8." in text
    assert "**Next time**" in text
    assert "**Barbell back squat:** Every set hit the target last time at 97.5 kg. Add 2.5 kg: " \
           "100 kg for 5 reps." in text


def test_harder_than_the_target_rpe_is_pointed_out(alice, plan):
    train(alice, MON_9, 95, 70, plan_id=plan)
    session_id = train(alice, MON_16, 97.5, 72.5, plan_id=plan, rpe=9.5)
    text = post_workout_analysis(alice, session_id)
    assert ("- Barbell back squat: RPE 9.5 against a target of 8 - harder than planned; hold the "
            "load until it feels easier.") in text
    assert "No new records this time" in text
    assert "harder than RPE 8" in text  # next_targets holds the load


def test_without_a_plan_the_last_session_with_the_same_exercises_is_compared(alice):
    train(alice, MON_9, 100, 70, name="Monday lift")
    seeding.add_session(alice, local_time(date(2026, 11, 12), 9), {"push-up": [(20, None)]},
                        name="Push-ups only")
    session_id = train(alice, MON_16, 95, 70, name="Comeback lift")
    text = post_workout_analysis(alice, session_id)
    assert "last time (Monday lift on Mon 9 Nov) (-3 %)" in text
    assert "- Barbell back squat: top set 95 kg × 5, below last time's 100 kg × 5." in text


def test_the_first_session_is_a_baseline(alice):
    session_id = train(alice, MON_16, 60, 40)
    text = post_workout_analysis(alice, session_id)
    assert "No records yet: this is your baseline" in text
    assert "Volume:" not in text
    assert "**Barbell back squat:**" in text


def test_weights_are_in_the_persons_units(alice, plan):
    seeding.set_profile(alice, units="lb")
    train(alice, MON_9, 95, 70, plan_id=plan)
    session_id = train(alice, MON_16, 97.5, 72.5, plan_id=plan)
    text = post_workout_analysis(alice, session_id)
    assert "5,622 lb lifted" in text and "up from 154.5 lb × 5" in text
    assert " kg" not in text


def test_a_session_without_done_sets_says_so(alice):
    session_id = seeding.add_session(alice, local_time(MON_16, 9),
                                     {"barbell-back-squat": [seeding.LoggedSet(5, 100, done=False)]})
    text = post_workout_analysis(alice, session_id)
    assert "No sets were marked done" in text and "Next time" not in text


def test_another_persons_session_is_not_found(alice):
    session_id = train(alice, MON_16, 97.5, 72.5)
    bob = make_user("bob").user.id
    with pytest.raises(NotFound):
        post_workout_analysis(bob, session_id)
    with pytest.raises(NotFound):
        post_workout_analysis(alice, 999_999)


def test_the_analysis_reads_only_the_owners_rows(alice):
    bob = make_user("bob").user.id
    bob_session = seeding.add_session(bob, datetime(2026, 11, 10, 9, tzinfo=UTC),
                                      {"barbell-back-squat": [(5, 180)] * 3}, name="Bob heavy")
    seeding.add_record(bob, "barbell-back-squat", 180, datetime(2026, 11, 10, 9, 5, tzinfo=UTC),
                       kind="weight_for_reps", reps=5, session_id=bob_session)
    session_id = train(alice, MON_16, 97.5, 72.5)
    text = post_workout_analysis(alice, session_id)
    assert "Bob" not in text and "180" not in text


def test_a_faster_run_is_worded_in_the_persons_units_and_the_fastest_is_kept(alice):
    seeding.set_profile(alice, units="lb")
    run = seeding.LoggedSet
    seeding.add_session(alice, local_time(MON_9, 7), {"running": [run(distance_m=5000, seconds=1500)]},
                        minutes=30)
    session_id = seeding.add_session(alice, local_time(MON_16, 7), {"running": [
        run(distance_m=5000, seconds=1480), run(distance_m=5000, seconds=1450)]}, minutes=55)
    at = local_time(MON_16, 7, 30)
    seeding.add_record(alice, "running", 1480, at, kind="fastest_5k", previous=1500, session_id=session_id)
    seeding.add_record(alice, "running", 1450, at, kind="fastest_5k", previous=1480, session_id=session_id)
    seeding.add_record(alice, "running", 290, at, kind="best_pace", previous=296, session_id=session_id)
    text = post_workout_analysis(alice, session_id)
    assert "- New record - **Running**: fastest 5 km 24:10 (was 24:40)." in text
    assert "fastest 5 km 24:40 (was" not in text, "the faster of the session's two 5 km times is kept"
    assert "- New record - **Running**: best pace 7:47 /mi (was 7:56 /mi)." in text
