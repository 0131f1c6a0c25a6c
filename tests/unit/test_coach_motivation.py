"""The daily message names something the person really did, and its wording changes daily."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import local_time, plan_day
from vigor_app.services.coach import motivation
from vigor_app.services.coach.motivation import OPENERS, daily_message

pytestmark = pytest.mark.usefixtures("database")

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday



@pytest.fixture
def alice() -> int:
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, onboarded_at=NOW - timedelta(days=30))
    seeding.add_plan(user_id, [
        plan_day("Push day", "mon", ["barbell-bench-press"], sets=4, reps="6-8"),
        plan_day("Leg day", "wed", ["barbell-back-squat", "leg-press"], sets=4, reps="5"),
    ], name="Two days")
    session_id = seeding.add_session(user_id, local_time(date(2026, 11, 16), 9),
                                     {"barbell-bench-press": [(6, 80)] * 4})
    seeding.add_session(user_id, local_time(date(2026, 11, 9), 9), {"barbell-bench-press": [(6, 77.5)] * 4})
    seeding.add_record(user_id, "barbell-bench-press", 80, local_time(date(2026, 11, 16), 9, 30),
                       kind="weight_for_reps", reps=6, previous=77.5, session_id=session_id)
    return user_id


def test_the_message_names_a_real_record_and_todays_session(alice):
    message = daily_message(alice, NOW)
    assert "Barbell bench press" in message and "80 kg × 6" in message and "Mon 16 Nov" in message
    assert "Today: Leg day, starting with Barbell back squat (4 × 5)." in message
    assert message.startswith(OPENERS[date(2026, 11, 18).toordinal() % len(OPENERS)])


def test_the_wording_changes_from_day_to_day_but_not_within_a_day(alice):
    days = [daily_message(alice, NOW + timedelta(days=n)) for n in range(3)]
    assert len(set(days)) == 3
    assert daily_message(alice, NOW) == daily_message(alice, NOW + timedelta(hours=3))
    assert all(any(o in m for o in OPENERS) for m in days)


def test_the_same_weekday_does_not_always_get_the_same_opener(alice):
    openers = {daily_message(alice, NOW + timedelta(weeks=n)).split(".")[0] for n in range(3)}
    assert len(openers) > 1


def test_a_streak_is_named_when_there_is_no_recent_record():
    user_id = make_user("streaky").user.id
    for back in range(3):
        seeding.add_session(user_id, NOW - timedelta(days=back, hours=2), {"push-up": [(15, None)]},
                            minutes=30)
    message = daily_message(user_id, NOW)
    line = motivation.STREAK_LINES[date(2026, 11, 18).toordinal() % len(motivation.STREAK_LINES)]
    assert line.format(days=3) in message
    assert "Generate a plan" in message


def test_a_long_gap_is_named_gently():
    user_id = make_user("away").user.id
    seeding.add_session(user_id, NOW - timedelta(days=20), {"push-up": [(15, None)]})
    message = daily_message(user_id, NOW)
    assert "20 days" in message


def test_a_new_person_is_welcomed_towards_a_first_session():
    user_id = make_user("newbie").user.id
    message = daily_message(user_id, NOW)
    assert "Set up your profile" in message
    assert message in {line.format(step=motivation._setup_step(motivation.build_context(user_id, NOW)))
                       for line in motivation.NEW_LINES}


def test_another_persons_data_never_appears(alice):
    other = make_user("bob").user.id
    message = daily_message(other, NOW)
    assert "bench" not in message.lower() and "Leg day" not in message


def test_the_long_note_names_workouts_record_and_next_session(alice):
    note = motivation.motivating_note(motivation.build_context(alice, NOW))
    assert "**You've already finished 2 workouts.**" in note
    assert "**Barbell bench press, 80 kg × 6** on Mon 16 Nov" in note
    assert "This week: 1 of 3 sessions." in note
