"""The built-in coach answers from the person's own data and the catalogue.

Alice (kg, intermediate, barbell + bench + dumbbells, injured shoulder) trained Full body A
every Monday for four weeks (26 Oct - 16 Nov): back squat 90 -> 97.5 kg for 3 x 5 and bench
press 60 -> 67.5 kg for 3 x 8, all at RPE 8. Her plan: A on Monday (squat, bench, 3 x 5),
B on Wednesday (deadlift, lat pulldown), C on Friday (front squat). "Now" is Wednesday
18 November 2026, noon UTC.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import local_time, plan_day
from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach import intents
from vigor_app.services.coach.builtin import answer
from vigor_app.services.coach.exercise_mentions import find_exercise_mentioned
from vigor_app.services.coach.intents import (
    COMEBACK,
    EFFORT,
    HELP,
    MOTIVATION,
    PROGRESS,
    SUBSTITUTE,
    TECHNIQUE,
    TODAY,
    UNKNOWN,
    detect_intent,
)

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday
MONDAYS = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
NOT_A_CANNED_LINE = "I can't help with that"



@pytest.fixture
def plan(database) -> tuple[int, int]:
    """(alice's id, her plan's id)."""
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, days_per_week=3, fitness_level="intermediate", goals=["strength"],
                        equipment=["barbell", "bench", "dumbbells"], injuries=["shoulder"],
                        onboarded_at=NOW - timedelta(days=40))
    plan_id = seeding.add_plan(user_id, [
        plan_day("Full body A", "mon", ["barbell-back-squat", "barbell-bench-press"], reps="5"),
        plan_day("Full body B", "wed", ["barbell-deadlift", "lat-pulldown"], reps="5"),
        plan_day("Full body C", "fri", ["barbell-front-squat"]),
    ], name="Three days")
    for n, monday in enumerate(MONDAYS):
        session_id = seeding.add_session(
            user_id, local_time(monday, 9),
            {"barbell-back-squat": [(5, 90 + 2.5 * n, 8)] * 3,
             "barbell-bench-press": [(8, 60 + 2.5 * n, 8)] * 3},
            plan_id=plan_id, plan_day_index=0, name="Full body A", target_reps="5", target_rpe=8)
    seeding.add_record(user_id, "barbell-back-squat", 113.8, local_time(MONDAYS[-1], 10),
                       previous=110.8, session_id=session_id)
    seeding.add_record(user_id, "barbell-back-squat", 97.5, local_time(MONDAYS[-1], 10),
                       kind="weight_for_reps", reps=5, previous=95, session_id=session_id)
    return user_id, plan_id


@pytest.fixture
def alice(plan) -> int:
    return plan[0]


@pytest.fixture
def bob(database) -> int:
    user_id = make_user("bob").user.id
    seeding.set_profile(user_id, units="lb")
    seeding.add_session(user_id, NOW - timedelta(days=1), {"leg-press": [(10, 200)] * 3},
                        name="Bob leg day")
    seeding.add_session(user_id, NOW - timedelta(days=8), {"leg-press": [(10, 180)] * 3},
                        name="Bob leg day")
    seeding.add_record(user_id, "leg-press", 200, NOW - timedelta(days=1), kind="weight_for_reps",
                       reps=10, previous=180)
    return user_id


# --- intent detection (no database) -----------------------------------------------------------

@pytest.mark.parametrize(("message", "intent"), [
    ("What should I train today?", TODAY),
    ("what's my workout today", TODAY),
    ("What's next?", TODAY),
    ("How am I progressing?", PROGRESS),
    ("Am I getting stronger?", PROGRESS),
    ("show me my PRs", PROGRESS),
    ("How do I do a Romanian deadlift?", TECHNIQUE),
    ("bench press form tips", TECHNIQUE),
    ("What can I do instead of pull-ups?", SUBSTITUTE),
    ("What does RPE mean?", EFFORT),
    ("How heavy should my squat be?", EFFORT),
    ("What weight should I use for bench press?", EFFORT),
    ("I haven't trained in a month, how do I come back?", COMEBACK),
    ("getting back into it after a long break", COMEBACK),
    ("I'm so unmotivated", MOTIVATION),
    ("I don't feel like training today", MOTIVATION),
    ("hi", HELP),
    ("what can you do?", HELP),
    ("What's the capital of France?", UNKNOWN),
    ("write me a poem", UNKNOWN),
])
def test_intents_are_detected_from_keywords(message, intent):
    mention = find_exercise_mentioned(message)
    assert detect_intent(message, mentioned=mention is not None and mention.strong) == intent


def test_a_bare_exercise_name_asks_for_technique_but_a_long_remark_does_not():
    assert detect_intent("bench press?", mentioned=True) == TECHNIQUE
    assert detect_intent("my legs are sore after squats", mentioned=True) != TECHNIQUE


@pytest.mark.parametrize(("message", "exercise_id"), [
    ("how do I do a goblet squat", "goblet-squat"),
    ("pushups", "push-up"),
    ("pull-ups?", "pull-up"),
    ("lat pull downs", "lat-pulldown"),
    ("skull crushers", "dumbbell-skull-crusher"),
    ("OHP", "barbell-overhead-press"),
    ("RDL tips", "barbell-romanian-deadlift"),
    ("how do I deadlfit", "barbell-deadlift"),
    ("romainian deadlift", "barbell-romanian-deadlift"),
    ("Kettlebell swings", "kettlebell-swing"),
])
def test_exercises_are_found_forgivingly(message, exercise_id):
    found = find_exercise_mentioned(message, equipment=["barbell", "bench", "dumbbells", "kettlebells"],
                                    level="intermediate")
    assert found is not None and found.exercise.id == exercise_id


def test_the_persons_own_exercises_come_first():
    assert find_exercise_mentioned("how do I squat", preferred=["barbell-back-squat"]).exercise.id == \
        "barbell-back-squat"
    assert find_exercise_mentioned("what should I train today") is None
    assert find_exercise_mentioned("chest day") is None


# --- answers from the person's data -----------------------------------------------------------

def test_what_to_train_today_names_the_plan_day_and_its_exercises(alice, bob):
    reply = answer(alice, "What should I train today?", NOW)
    assert "Today is **Full body B** (Full body: hinge, vertical pull) from Three days" in reply
    assert "- **Barbell deadlift**: 3 × 5 at RPE 8" in reply
    assert "- **Lat pulldown**: 3 × 5 at RPE 8" in reply
    assert "Recently logged: Full body A on Mon 16 Nov (6 sets)" in reply
    assert "This week: 1 of 3 sessions." in reply
    assert "Bob" not in reply


def test_today_uses_last_time_and_the_next_target(alice):
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    reply = answer(alice, "what's my workout today", monday)
    assert "Today is **Full body A**" in reply
    assert ("- **Barbell back squat**: 3 × 5 at RPE 8 - last time 97.5 kg × 5, 5, 5 on Mon 16 Nov; "
            "today aim for 100 kg × 5") in reply


def test_a_rest_day_says_so_and_offers_the_next_session(alice):
    thursday = NOW + timedelta(days=1)
    reply = answer(alice, "What should I do today?", thursday)
    assert "**Today is a rest day** in Three days" in reply
    assert "the next session up is **Full body B**" in reply


def test_a_complete_week_is_a_rest_day(plan):
    user_id, plan_id = plan
    seeding.add_session(user_id, NOW - timedelta(hours=2), {"barbell-deadlift": [(5, 120)] * 3},
                        plan_id=plan_id, plan_day_index=1, name="Full body B")
    seeding.add_session(user_id, NOW + timedelta(days=2), {"barbell-front-squat": [(8, 70)] * 3},
                        plan_id=plan_id, plan_day_index=2, name="Full body C")
    reply = answer(user_id, "What should I train today?", NOW + timedelta(days=3))
    assert "Every day of **Three days** is done this week (3 of 3 sessions)" in reply
    assert "**today is a rest day.**" in reply


def test_progress_names_records_the_strength_trend_and_the_week(alice, bob):
    reply = answer(alice, "How am I progressing?", NOW)
    assert "4 workouts finished; this week 1 of 3 sessions" in reply
    assert "- Mon 16 Nov: **Barbell back squat** - 97.5 kg × 5 (was 95 kg)" in reply
    assert "- Mon 16 Nov: **Barbell back squat** - estimated 1-rep max 113.8 kg (was 110.8 kg)" in reply
    # First session 90 kg x 5 (Epley 105 kg), latest 97.5 kg x 5 (113.8 kg).
    assert ("**Barbell back squat** (your most-trained exercise lately, 4 sessions): estimated 1-rep max 105 kg "
            "on Mon 26 Oct → 113.8 kg on Mon 16 Nov (+8.8 kg, +8 %). You're getting stronger.") in reply
    # The last 4 full weeks (19 Oct - 15 Nov) hold 3 sessions of 6 hard sets each.
    assert ("**Weekly volume:** 4.5 hard sets a week over the last 4 full weeks (no training in "
            "the 4 weeks before).") in reply
    assert "Leg press" not in reply


def test_progress_is_in_the_persons_units(bob, alice):
    reply = answer(bob, "How am I progressing?", NOW)
    assert "**Leg press** - 441 lb × 10 (was 397 lb)" in reply
    assert "Barbell" not in reply and " kg" not in reply


def test_how_to_do_an_exercise_gives_its_cue_muscles_and_safe_swaps(alice):
    reply = answer(alice, "How do I do a bench press?", NOW)
    bench = catalogue.get_exercise("barbell-bench-press")
    assert reply.startswith("**Barbell bench press**")
    assert bench.cue in reply and "- **Works:** chest, triceps; also shoulders" in reply
    assert "Your last barbell bench press: 67.5 kg × 8, 8, 8 on Mon 16 Nov." in reply
    assert "**Careful:** it loads your shoulder" in reply
    swaps = catalogue.substitutes("barbell-bench-press", ["barbell", "bench", "dumbbells"],
                                  ["shoulder"], "intermediate", limit=3)
    assert swaps and all(f"- {s.name} - " in reply for s in swaps)
    # A swap without the injury, but one that loads the shoulder, is not offered.
    assert "shoulder" in catalogue.get_exercise("dumbbell-bench-press").unsafe_for
    assert "Dumbbell bench press" not in reply


def test_how_to_do_an_exercise_finds_misspelt_names(alice):
    reply = answer(alice, "how do i do a deadlfit", NOW)
    assert reply.startswith("**Barbell deadlift**")
    assert catalogue.get_exercise("barbell-deadlift").cue in reply


def test_how_to_without_an_exercise_asks_which_one(alice):
    reply = answer(alice, "How do I do it properly?", NOW)
    assert "Which exercise do you mean?" in reply
    assert "From today's session: Barbell deadlift, Lat pulldown." in reply


def test_rpe_is_explained(alice):
    reply = answer(alice, "What does RPE mean?", NOW)
    assert "**RIR** (reps in reserve)" in reply and "RPE = 10 - RIR" in reply
    assert "| 8 | 2 | two more with good form |" in reply
    assert "Your plan sets most working sets at RPE 8: finish each set with about 2 good reps left." in reply
    assert "**Picking a weight:**" in reply


def test_picking_a_weight_uses_the_last_top_set_and_the_next_target(alice):
    reply = answer(alice, "What weight should I use for squats?", NOW)
    assert ("**Barbell back squat:** last time 97.5 kg × 5, 5, 5 on Mon 16 Nov (top set at RPE 8). "
            "For 5 reps at RPE 8, next time aim for **100 kg × 5**.") in reply


def test_picking_a_weight_for_an_exercise_never_logged(alice):
    reply = answer(alice, "how heavy should my deadlift be?", NOW)
    assert "**Barbell deadlift:** you haven't logged it yet." in reply
    assert "pick a weight you could lift for 7 reps" in reply


def test_coming_back_after_a_break_scales_the_last_top_set(alice):
    later = datetime(2026, 12, 21, 12, 0, tzinfo=UTC)  # 35 days after the last session
    reply = answer(alice, "I've been away, how do I get back into training after a long break?", later)
    assert "It's been **35 days** since your last session (Mon 16 Nov)" in reply
    assert "about **70 %** of your last working weights" in reply
    # 70 % of 97.5 kg is 68.25 kg: rounded to 67.5 kg.
    assert ("**Barbell back squat:** your last top set was 97.5 kg × 5 on Mon 16 Nov. Start around "
            "**67.5 kg** (70 %) for sets of 5.") in reply
    assert "2 sets instead of 3" in reply and "**Re-entry plan**" in reply


def test_coming_back_uses_the_exercise_named(alice):
    later = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 14 days: 75 %
    reply = answer(alice, "coming back after a two week break - what about bench press?", later)
    assert "**14 days**" in reply and "**75 %**" in reply
    assert "**Barbell bench press:** your last top set was 67.5 kg × 8" in reply
    assert "Start around **50 kg** (75 %)" in reply  # 50.6 kg rounded


def test_a_short_gap_is_not_a_break(alice):
    reply = answer(alice, "how do I come back after a break?", NOW)
    assert "Your last session was Mon 16 Nov (2 days ago)" in reply
    assert "not a break" in reply and "Today: Full body B" in reply


def test_motivation_names_something_real(alice):
    reply = answer(alice, "I'm so unmotivated", NOW)
    assert "**You've already finished 4 workouts.**" in reply
    assert "Your latest record: **Barbell back squat, 97.5 kg × 5** on Mon 16 Nov." in reply
    assert "Today: Full body B" in reply


def test_an_unknown_question_gets_an_honest_answer_and_the_list(alice):
    reply = answer(alice, "What's the capital of France?", NOW)
    assert reply.startswith(NOT_A_CANNED_LINE)
    for ask in ("What should I train today?", "How am I progressing?",
                "How do I do a barbell deadlift?", "Motivate me."):
        assert ask in reply


def test_safety_comes_first(alice):
    medical = answer(alice, "I have chest pain, what should I train today?", NOW)
    assert medical.startswith("**Please stop exercising now.**") and "Full body B" not in medical
    harmful = answer(alice, "Should I train through the sharp pain in my knee?", NOW)
    assert "**A safer way instead:**" in harmful


def test_a_new_person_is_pointed_to_set_up_and_a_plan():
    user_id = make_user("newbie").user.id
    for message in ("What should I train today?", "How am I progressing?",
                    "How do I come back after a break?"):
        reply = answer(user_id, message, NOW)
        assert "You haven't logged a workout yet" in reply
        assert "**Set up your profile**" in reply and "**Generate a plan**" in reply
    motivation = answer(user_id, "motivate me", NOW)
    assert "You haven't logged a workout yet" in motivation
    technique = answer(user_id, "How do I do a goblet squat?", NOW)
    assert technique.startswith("**Dumbbell goblet squat**")
    assert "Your profile doesn't list dumbbells" in technique
    assert answer(user_id, "hello", NOW).startswith("I'm Vigor's built-in coach")


def test_a_new_person_with_a_plan_gets_the_plan_day(database):
    user_id = make_user("planner").user.id
    seeding.add_plan(user_id, [plan_day("Starter", "wed", ["goblet-squat", "push-up"])], name="Start")
    reply = answer(user_id, "What should I train today?", NOW)
    assert "Today is **Starter** (Full body: squat, horizontal push) from Start" in reply
    assert "- **Dumbbell goblet squat**: 3 × 8-12 at RPE 8 - new in your log" in reply


def test_answers_are_deterministic(alice):
    for message in ("What should I train today?", "How am I progressing?", "How do I squat?",
                    "What weight for bench?", "motivate me", "what's the weather"):
        assert answer(alice, message, NOW) == answer(alice, message, NOW)


def test_the_intent_table_is_documented():
    for intent in intents.INTENTS:
        assert f"``{intent}``" in intents.__doc__


def test_a_plan_days_stale_focus_text_is_never_repeated(database):
    """The reviewer's defect: a stored focus naming "vertical push and pull" on a day that holds a
    squat and a bench press. What the day trains is read from its exercises."""
    user_id = make_user("stale").user.id
    seeding.set_profile(user_id, days_per_week=1, onboarded_at=NOW - timedelta(days=3))
    seeding.add_plan(user_id, [plan_day("Upper B", "wed", ["barbell-back-squat", "barbell-bench-press"],
                                        focus="Upper body: vertical push and pull")], name="Old plan")
    reply = answer(user_id, "what should I train today?", NOW)
    assert "vertical" not in reply
    assert "(Full body: squat, horizontal push)" in reply
