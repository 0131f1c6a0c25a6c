"""The built-in coach's topics beyond today/progress/technique: the plan, a missed session,
recovery, deloads, warm-ups, swaps, and what it can't answer.

Alice (kg, intermediate, strength, barbell + bench + dumbbells, injured shoulder) trained
Full body A every Monday for four weeks (26 Oct - 16 Nov): back squat 90 -> 97.5 kg for 3 x 5
and bench press 60 -> 67.5 kg for 3 x 8, at RPE 8. Her plan "Three days": A on Monday (squat,
bench, 3 x 5) whose stored focus still says "vertical push and pull", B on Wednesday
(deadlift, seated cable row, 3 x 5), C on Friday (front squat, 3 x 8-12). She weighed 82 kg on
1 Oct and 80.5 kg on 15 Nov. "Now" is Wednesday 18 November 2026, noon UTC; other days are
fixed dates too, never today's weekday.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import local_time, plan_day
from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach import intents, out_of_scope
from vigor_app.services.coach.builtin import answer
from vigor_app.services.coach.exercise_mentions import find_exercise_mentioned
from vigor_app.services.coach.intents import (
    COMEBACK,
    DELOAD,
    MISSED,
    PLAN,
    RECOVERY,
    REVIEW,
    SUBSTITUTE,
    TECHNIQUE,
    TODAY,
    WARMUP,
    detect_intent,
)
from vigor_app.services.coach.substitute_answers import read_situation
from vigor_app.services.plans import library
from vigor_app.services.plans.block import BLOCK_WEEKS
from vigor_app.services.training import suggestions

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday
THURSDAY = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MONDAYS = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
SQUAT_REASON = "The main lower-body lift: heavy squats build the legs and hips."
PLAN_EXERCISES = ("Barbell back squat", "Barbell bench press", "Barbell deadlift", "Seated cable row",
                  "Barbell front squat")


@pytest.fixture
def plan(database) -> tuple[int, int]:
    """(alice's id, her plan's id)."""
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, days_per_week=3, fitness_level="intermediate", goals=["strength"],
                        equipment=["barbell", "bench", "dumbbells"], injuries=["shoulder"],
                        session_minutes=60, onboarded_at=NOW - timedelta(days=40))
    day_a = plan_day("Full body A", "mon", ["barbell-back-squat", "barbell-bench-press"], reps="5",
                     focus="vertical push and pull")  # stale: the day has no vertical work
    day_a["exercises"][0]["reason"] = SQUAT_REASON
    plan_id = seeding.add_plan(user_id, [
        day_a,
        plan_day("Full body B", "wed", ["barbell-deadlift", "seated-cable-row"], reps="5"),
        plan_day("Full body C", "fri", ["barbell-front-squat"]),
    ], name="Three days")
    for n, monday in enumerate(MONDAYS):
        seeding.add_session(
            user_id, local_time(monday, 9),
            {"barbell-back-squat": [(5, 90 + 2.5 * n, 8)] * 3,
             "barbell-bench-press": [(8, 60 + 2.5 * n, 8)] * 3},
            plan_id=plan_id, plan_day_index=0, name="Full body A", target_reps="5", target_rpe=8)
    seeding.add_body_metric(user_id, date(2026, 10, 1), weight_kg=82.0)
    seeding.add_body_metric(user_id, date(2026, 11, 15), weight_kg=80.5)
    return user_id, plan_id


@pytest.fixture
def alice(plan) -> int:
    return plan[0]


def _intent(message: str) -> str:
    mention = find_exercise_mentioned(message, equipment=["barbell", "bench", "dumbbells"],
                                      level="intermediate")
    return detect_intent(message, mentioned=mention is not None and mention.strong)


# --- intents (no database) --------------------------------------------------------------------

@pytest.mark.parametrize(("message", "intent"), [
    ("Explain my plan", PLAN),
    ("expain my plan pls", PLAN),
    ("why is my plan like this?", PLAN),
    ("what's in my plan", PLAN),
    ("what does day 2 do?", PLAN),
    ("how does my program work", PLAN),
    ("walk me through my routine", PLAN),
    ("what week of the block is this", PLAN),
    ("why am I doing squats on Monday?", PLAN),
    ("why don't I have pull-ups in my plan", PLAN),
    ("I missed my workout yesterday", MISSED),
    ("I missed Monday's session, what do I do now?", MISSED),
    ("skipped leg day", MISSED),
    ("I skiped my workout this week", MISSED),
    ("I mised a session", MISSED),
    ("couldn't make it to the gym yesterday", MISSED),
    ("should I make up the missed workout?", MISSED),
    ("I missed a few days, how do I get back into it?", MISSED),
    ("I missed three weeks of training", COMEBACK),
    ("I missed 2 weeks, how do I restart", COMEBACK),
    ("how much sleep do I need", RECOVERY),
    ("how many rest days do I need", RECOVERY),
    ("what should I do on my rest day", RECOVERY),
    ("should I take a rest day today?", RECOVERY),
    ("DOMS is killing me", RECOVERY),
    ("my legs are so sore", RECOVERY),
    ("I'm tired, should I train today?", RECOVERY),
    ("how long between sessions", RECOVERY),
    ("can I train every day", RECOVERY),
    ("am I overtraining?", RECOVERY),
    ("reccovery tips", RECOVERY),
    ("is today a rest day?", TODAY),
    ("what's my plan for today", TODAY),
    ("what's on my plan today", TODAY),
    ("should I deload?", DELOAD),
    ("when should I delaod", DELOAD),
    ("do I need a lighter week", DELOAD),
    ("I feel beat up", DELOAD),
    ("I've been stuck on the same weight for 3 weeks", DELOAD),
    ("my joints are achy", DELOAD),
    ("how should I warm up", WARMUP),
    ("warm up sets for bench press", WARMUP),
    ("warm-up before squats", WARMUP),
    ("warmup for deadlift?", WARMUP),
    ("how do I warm up properly", WARMUP),
    ("ramp sets for squat", WARMUP),
    ("how did yesterday's workout go", REVIEW),
    ("what did I do last time", REVIEW),
    ("what did I do on my last leg day", REVIEW),
    ("how many sets did I do this week", REVIEW),
    ("summary of last week", REVIEW),
    ("how was Monday's session", REVIEW),
    ("what can I do instead of pull-ups?", SUBSTITUTE),
    ("alternative to bench press", SUBSTITUTE),
    ("subsitute for squats", SUBSTITUTE),
    ("swap lunges", SUBSTITUTE),
    ("I have no barbell, what can I do for squats", SUBSTITUTE),
    ("my gym has no rack", SUBSTITUTE),
    ("only dumbbells today", SUBSTITUTE),
    ("my knee is sore", SUBSTITUTE),
    ("bad shoulder, what instead of overhead press", SUBSTITUTE),
    ("I can't do pull-ups", SUBSTITUTE),
    ("I can't do it properly", TECHNIQUE),
    ("bench press form tips", TECHNIQUE),
])
def test_the_new_topics_are_detected(message, intent):
    assert _intent(message) == intent


def test_typos_of_key_words_are_read_but_real_words_are_not():
    assert intents.normalise("I skiped my wokrout, delaod?") == "i skipped my workout deload"
    # "should" is not "shoulder", "slipped" is not "skipped", "reload" is not "deload"
    assert intents.normalise("should I reload, I slipped") == "should i reload i slipped"


def test_review_is_detected_and_exported():
    assert intents.REVIEW == "review" and REVIEW in intents.INTENTS
    assert set(intents.TIE_ORDER) == set(intents.INTENTS)


def test_what_a_message_says_changes_the_equipment_and_injuries():
    kit = ["barbell", "bench", "dumbbells"]
    assert read_situation("no barbell", kit, []).equipment == ("bodyweight", "dumbbells", "bench")
    assert read_situation("my gym has no rack", kit, []).without == ("barbell",)
    assert read_situation("the cable machine is taken", kit + ["cable_machine"], []).without == \
        ("cable_machine",)
    assert read_situation("I only have dumbbells and a bench", kit, []).equipment == \
        ("bodyweight", "dumbbells", "bench")
    assert read_situation("no equipment at home", kit, []).equipment == ("bodyweight",)
    assert read_situation("my knee is sore", kit, ["shoulder"]).injuries == ("shoulder", "knee")
    assert read_situation("I hurt my lower back", kit, []).hurt == ("lower_back",)
    assert read_situation("bad shoulder", kit, ["shoulder"]).hurt == ()  # already in the profile
    assert read_situation("I came back sore from the gym", kit, []).hurt == ()
    assert read_situation("bench press alternative", kit, []).changed is False


# --- the plan --------------------------------------------------------------------------------

def test_the_plan_is_explained_from_its_exercises_never_its_stored_focus(alice):
    reply = answer(alice, "Explain my plan", NOW)
    assert "vertical" not in reply.lower()  # the stale focus of day A, and no day has vertical push
    assert "**Three days** has 3 training days a week: Monday, Wednesday and Friday." in reply
    assert ("- **Monday: Full body A** - Barbell back squat 3 × 5 at RPE 8, Barbell bench press 3 × 5 "
            "at RPE 8. Trains quads, glutes, chest and triceps (squat, horizontal push).") in reply
    assert ("- **Wednesday: Full body B** - Barbell deadlift 3 × 5 at RPE 8, Seated cable row 3 × 5 at "
            "RPE 8. Trains hamstrings, glutes, lower back, back and lats (hinge, horizontal pull).") in reply
    days = [line for line in reply.splitlines() if line.startswith("- **") and "** - " in line]
    assert [line.split("**")[1] for line in days] == [
        "Monday: Full body A", "Wednesday: Full body B", "Friday: Full body C"]
    named = {e.name for e in catalogue.all_exercises() if e.name in reply}
    assert named == set(PLAN_EXERCISES)
    # squat 3 + front squat 3 = 6 for quads; squat, deadlift, front squat: 9 for glutes/hamstrings
    assert ("**Weekly hard sets per muscle group:** quads 6 (on 2 days), glutes and hamstrings 9 (on 3 "
            "days), chest 3 (on 1 day), back 6 (on 1 day). No direct work for shoulders and core.") in reply


def test_the_plan_says_why_from_the_profile_and_where_they_disagree(alice):
    reply = answer(alice, "why is my plan like this?", NOW)
    assert "- **3 training days** for the 3 days a week in your profile" in reply
    assert "- **Intermediate:** working sets at RPE 8, within your level's cap of RPE 9." in reply
    assert "- **Goals (strength):** sets of 1-12 reps suit it; your plan has sets of 5 to 12 reps." in reply
    assert "- **60-minute sessions:** the days are estimated at 45 minutes." in reply
    assert ("Seated cable row needs cable machine, which your profile doesn't list (barbell, bench, "
            "dumbbells)") in reply
    assert "- **Injuries:** Barbell bench press loads your shoulder - ask me" in reply
    assert "of the block" not in reply  # a plan without weeks has no block to count


def test_an_exercise_of_the_plan_gets_its_days_prescription_and_reason(alice):
    reply = answer(alice, "why am I doing squats?", NOW)
    assert reply.startswith("**Barbell back squat** is on Monday (Full body A): 3 × 5 at RPE 8. "
                            "It trains quads and glutes (squat).")
    assert f"**Why it's there:** {SQUAT_REASON}" in reply
    bench = answer(alice, "why is bench press in my plan?", NOW)
    assert "**Careful:** it loads your shoulder, which you listed as injured" in bench


def test_an_exercise_not_in_the_plan_says_so(alice):
    reply = answer(alice, "why don't I have barbell rows in my plan", NOW)
    assert reply.startswith("**Barbell bent-over row** isn't in your plan. Your plan covers the same movement with "
                            "Seated cable row.\n\n**Three days** has 3 training days")
    assert answer(alice, "why don't I have pull-ups in my plan", NOW).startswith(
        "**Pull-up** isn't in your plan.\n\n")


def test_a_day_of_the_plan_on_its_own(alice):
    reply = answer(alice, "what does day 2 do?", NOW)
    assert reply.startswith("**Day 2 of 3:**\n- **Wednesday: Full body B** - Barbell deadlift 3 × 5")
    assert "The other days of **Three days**: Monday: Full body A; Friday: Full body C." in reply
    assert "Barbell bench press" not in reply


def test_the_week_of_the_block_is_the_workouts_pages(database):
    user_id = make_user("carol").user.id
    seeding.set_profile(user_id, days_per_week=3, fitness_level="beginner", goals=["muscle_gain"],
                        equipment=["dumbbells", "bench"], injuries=["knee"], session_minutes=45,
                        onboarded_at=NOW - timedelta(days=40))
    stored = library.create_plan(user_id, seed=7, now=NOW - timedelta(days=20))
    days = stored.plan["days"]
    for n in range(4):  # four finished workouts of a 3-day plan: the second week
        day = days[n % 3]
        seeding.add_session(user_id, NOW - timedelta(days=15 - 3 * n),
                            {day["exercises"][0]["exercise_id"]: [(10, 20, 8)] * 3},
                            plan_id=stored.id, plan_day_index=n % 3, name=day["name"])
    weeks = BLOCK_WEEKS["beginner"]
    reply = answer(user_id, "what week of the block am I in?", NOW)
    assert reply.startswith(f"This is **week 2 of {weeks}** of the block")
    assert f"week {weeks} is a lighter deload week" in reply
    first = days[0]["exercises"][0]
    assert first["reason"] and first["reason"] in answer(user_id, "what does day 1 do", NOW)
    assert library.current_week(user_id, stored.id).number == 2


def test_no_plan_says_how_to_get_one(database):
    user_id = make_user("newbie").user.id
    reply = answer(user_id, "explain my plan", NOW)
    assert reply.startswith("You don't have a plan yet") and "**Generate a plan**" in reply


# --- a missed session ----------------------------------------------------------------------------

def test_a_missed_day_is_made_up_on_a_free_day_never_doubled(alice):
    reply = answer(alice, "I missed Wednesday's workout, what now?", FRIDAY)
    assert "Your last session was **Full body A** on Mon 16 Nov (4 days ago). This week: 1 of 3 sessions." in reply
    assert ("Not trained yet this week: **Full body B** (Wednesday). Today's session is **Full body C**: "
            "do it as planned.") in reply
    assert "To make up Full body B, use a free day later this week (Saturday or Sunday)" in reply
    assert "**Don't cram two sessions into one day.**" in reply and "**Keep the order of the days**" in reply


def test_a_missed_day_on_a_free_day_is_done_today(alice):
    reply = answer(alice, "I skipped yesterday's session", THURSDAY)
    assert "Today is free in your plan, so it's a good day for **Full body B**." in reply
    assert "To make up" not in reply


def test_a_long_gap_is_a_break_not_a_missed_session(alice):
    reply = answer(alice, "I missed my workouts, what do I do now?", datetime(2026, 12, 1, 12, tzinfo=UTC))
    assert "after 15 days that's a break rather than a missed session" in reply
    assert "how do I come back after a break?" in reply


# --- recovery, deload, warm-up ---------------------------------------------------------------

def test_recovery_ties_the_basics_to_the_last_two_weeks(alice):
    reply = answer(alice, "how much sleep do I need?", NOW)
    assert ("**Your recent training:** 1 session on 1 day in the last 7 days, 2 sessions on 2 days in the "
            "last 14; last session Mon 16 Nov (2 days ago). Today's plan: Full body B.") in reply
    assert "**Sleep** 7-9 hours a night" in reply and "**Soreness vs pain:**" in reply
    assert "at your 80.5 kg (Sun 15 Nov) that's about 130 g" in reply  # 1.6 × 80.5 = 128.8
    rest = answer(alice, "how many rest days do I need", THURSDAY)
    assert "Today is a rest day in your plan." in rest


def test_recovery_after_a_named_exercise_and_a_long_streak(alice):
    sore = answer(alice, "I'm so sore after squats", NOW)
    assert "**Barbell back squat** mainly works your quads and glutes" in sore
    assert "You last did it on Mon 16 Nov." in sore
    for back in range(1, 6):  # five days in a row, Fri 13 - Tue 17 Nov
        seeding.add_session(alice, NOW - timedelta(days=back), {"push-up": [(10, None)] * 3})
    assert "You've trained **5 days in a row** - take a rest day soon." in answer(alice, "am I overtraining?", NOW)


def test_deload_counts_the_weeks_and_works_out_the_lighter_week(alice):
    reply = answer(alice, "should I deload?", NOW)
    assert "about half your usual sets (50-60 %), loads about 10 % lighter, every set at RPE 6-7" in reply
    assert "You've trained in each of the last **4 weeks**" in reply
    assert "By your log, none of Barbell back squat, Barbell bench press has stalled 3 sessions running." in reply
    # 97.5 kg × 0.9 = 87.75, rounded to 87.5 kg; the plan's 3 sets halved (rounded up) to 2
    assert "- **Barbell back squat:** 2 × 5 at about 87.5 kg (last time 97.5 kg), RPE 6-7" in reply
    assert "- **Barbell bench press:** 2 × 5 at about 60 kg (last time 67.5 kg), RPE 6-7" in reply


def test_a_stall_is_named_only_when_the_log_says_so(database):
    user_id = make_user("dave").user.id
    seeding.set_profile(user_id, fitness_level="intermediate", equipment=["barbell"])
    for week in range(5):  # 100 kg for 5, 5, 4 at RPE 9: never the target, five weeks running
        seeding.add_session(user_id, NOW - timedelta(days=2 + 7 * week),
                            {"barbell-back-squat": [(5, 100, 9), (5, 100, 9), (4, 100, 9)]},
                            target_reps="5", target_rpe=8)
    low, high = catalogue.get_exercise("barbell-back-squat").rep_range  # no plan: the catalogue's range
    expected = suggestions.next_targets(user_id, "barbell-back-squat", f"{low}-{high}", 8.0)
    assert expected.action == "deload"
    reply = answer(user_id, "I've been stuck on squats for weeks", NOW)
    assert "**Stalled in your log:**" in reply and expected.message in reply
    assert "You've trained in each of the last **5 weeks**" in reply


def test_warm_up_ramps_to_the_next_working_weight_with_the_plates(alice):
    reply = answer(alice, "warm up sets for bench press", NOW)
    assert reply.startswith("**General warm-up (5-10 minutes):** 5 minutes of easy cardio")
    # next target 70 kg × 5; ramp: bar × 10, 40 % (28 -> 27.5), 60 % (42 -> 40), 80 % (56 -> 55)
    assert ("**Warm-up sets for Barbell bench press**, up to your next target of 70 kg × 5:\n"
            "- 20 kg × 10 - just the bar\n"
            "- 27.5 kg × 5 - each side: 2.5 + 1.25 kg\n"
            "- 40 kg × 3 - each side: 10 kg\n"
            "- 55 kg × 2 - each side: 15 + 2.5 kg\n"
            "- **Working sets: 70 kg × 5** - each side: 25 kg") in reply
    assert "(the usual kit: set yours on your Profile)" in reply


def test_warm_up_without_an_exercise_uses_todays_first(alice):
    monday = answer(alice, "how should I warm up?", NEXT_MONDAY)
    assert "**Warm-up sets for Barbell back squat** (the first exercise of Full body A), up to your " \
           "next target of 100 kg × 5:" in monday
    assert "- 40 kg × 5 - each side: 10 kg\n- 60 kg × 3 - each side: 20 kg\n- 80 kg × 2 - each side: 25 + 5 kg" \
        in monday
    wednesday = answer(alice, "how should I warm up?", NOW)
    assert "**Warm-up sets for Barbell deadlift** (the first exercise of Full body B): you haven't " \
           "logged it with a weight yet" in wednesday


def test_warm_up_is_in_the_persons_units_and_kit(database):
    user_id = make_user("bob").user.id
    seeding.set_profile(user_id, units="lb", equipment=["barbell", "bench"])
    for back in (8, 1):  # 225 lb for 5 (102.06 kg)
        seeding.add_session(user_id, NOW - timedelta(days=back), {"barbell-back-squat": [(5, 102.0582, 8)] * 3},
                            target_reps="5", target_rpe=8)
    reply = answer(user_id, "warm up before squats", NOW)
    assert "- 45 lb × 10 - just the bar\n- 90 lb × 5 - " in reply
    assert "- **Working sets: 225 lb × " in reply and "** - each side: 45 + 45 lb" in reply
    assert "Bar 45 lb; plates 45, 35, 25, 10, 5, 2.5 lb" in reply and " kg" not in reply


# --- swaps ---------------------------------------------------------------------------------------

def test_swaps_follow_what_the_message_says_is_missing(alice):
    reply = answer(alice, "I have no barbell, what can I do for squats", NOW)
    assert reply.startswith("**Barbell back squat** needs barbell, so here are swaps for it.")
    swaps = catalogue.substitutes("barbell-back-squat", ["bench", "dumbbells"], ["shoulder"], "intermediate",
                                  limit=3)
    assert swaps and all(f"- **{s.name}** " in reply for s in swaps)
    assert all("barbell" not in s.equipment for s in swaps)
    assert "that suit no barbell and your shoulder" in reply
    assert "use **Swap** next to it on the Workouts page" in reply


def test_a_sore_joint_named_in_the_message_is_avoided(alice):
    reply = answer(alice, "my knee is sore, what can I do instead of squats", NOW)
    squat = catalogue.get_exercise("barbell-back-squat")
    assert reply.startswith("**Barbell back squat** loads your knee, so here are swaps for it.")
    assert catalogue.substitutes(squat.id, ["barbell", "bench", "dumbbells"], ["shoulder", "knee"],
                                 "intermediate") == []
    assert "No exercise in the catalogue with the same movement as Barbell back squat fits" in reply
    offered = [e for e in catalogue.all_exercises() if f"- **{e.name}** (" in reply]
    assert offered and all(not ({"knee", "shoulder"} & set(e.unsafe_for)) for e in offered)
    assert all(set(e.primary_muscles) & set(squat.primary_muscles) for e in offered)


def test_only_some_kit_checks_todays_session(alice):
    reply = answer(alice, "only dumbbells today", NOW)
    assert reply.startswith("From today's session (Full body B), 2 exercises are out with only dumbbells "
                            "and your shoulder:")
    assert "- **Barbell deadlift** (needs barbell): " in reply
    assert "- **Seated cable row** (needs cable machine): " in reply
    for exercise_id in ("barbell-deadlift", "seated-cable-row"):
        swaps = catalogue.substitutes(exercise_id, ["dumbbells"], ["shoulder"], "intermediate", limit=2)
        assert swaps and all(s.name in reply and s.equipment_set <= {"dumbbells", "bodyweight"} for s in swaps)


def test_a_swap_without_an_exercise_asks_which(alice):
    reply = answer(alice, "what's a good alternative?", NOW)
    assert reply.startswith("Which exercise do you want to swap?")
    assert "From today's session: Barbell deadlift, Seated cable row." in reply


# --- what it can't answer --------------------------------------------------------------------------

def test_nutrition_is_declined_plainly_with_the_basics_and_her_weight(alice):
    reply = answer(alice, "what should I eat today?", NOW)
    assert reply.startswith("I can't write meal plans, count macros or suggest recipes")
    assert "at your 80.5 kg (Sun 15 Nov) that's about 130 g" in reply
    assert "Your weigh-ins: 80.5 kg on Sun 15 Nov, down 1.5 kg since Thu 1 Oct." in reply
    assert "**registered dietitian**" in reply and "Full body B" not in reply


@pytest.mark.parametrize(("message", "start"), [
    ("should I take creatine?", "I can't advise you on supplements"),
    ("do I have tendinitis in my elbow?", "I can't diagnose an injury or an illness"),
    ("is Starting Strength better than my plan?", "I can't review or copy other people's programs"),
    ("What's the capital of France?", "I can't help with that"),
    ("blorp zzz", "I didn't understand that."),
])
def test_what_it_cannot_answer_is_said_plainly(alice, message, start):
    reply = answer(alice, message, NOW)
    assert reply.startswith(start)


def test_the_list_of_what_it_can_do_names_the_new_topics(alice):
    reply = answer(alice, "blorp zzz", NOW)
    for ask in ("What should I train today?", "Explain my plan.", "Should I deload?",
                "How should I warm up for barbell deadlift?", "How many rest days do I need?"):
        assert ask in reply
    assert out_of_scope.recognise("how do I lose weight") == out_of_scope.Ask("nutrition", first=False)
    assert out_of_scope.recognise("what's in my plan") is None


def test_the_new_answers_are_deterministic(alice):
    for message in ("Explain my plan", "I missed Monday", "how much sleep do I need", "should I deload",
                    "warm up for squats", "no barbell, what instead of squats", "what should I eat"):
        assert answer(alice, message, NOW) == answer(alice, message, NOW)


def test_a_new_person_gets_an_honest_answer_on_every_topic(database):
    user_id = make_user("newbie").user.id
    replies = {message: answer(user_id, message, NOW) for message in (
        "I missed my workout yesterday", "how much sleep do I need", "should I deload?",
        "how should I warm up", "I have no barbell", "what can I do instead of bench press?")}
    assert "You haven't logged a workout yet" in replies["I missed my workout yesterday"]
    assert "nothing to recover from" in replies["how much sleep do I need"]
    assert "nothing to deload from" in replies["should I deload?"]
    assert "Name a lift" in replies["how should I warm up"]
    assert replies["I have no barbell"].startswith("Name the exercise you want to swap")
    swaps = replies["what can I do instead of bench press?"]
    assert "bench press** needs " in swaps and "**Swaps for " in swaps  # no kit in a blank profile
    for reply in replies.values():
        assert "kg" not in reply or "per kg" in reply  # no weights of a log that doesn't exist
    seeding.add_plan(user_id, [plan_day("Starter", "wed", ["goblet-squat", "push-up"])], name="Start")
    assert answer(user_id, "I skipped my workout", NOW) == (
        "You haven't logged a workout yet, so nothing is missed - start with **Starter** whenever "
        "you're ready.")
