"""The people the coach evaluation asks questions for, seeded through the models.

"Now" is Thursday 19 November 2026, 18:00 UTC. Each person's sessions get names that the
labelled questions refer to (``SESSION_LABELS``): ``last``, ``yesterday``, ``last_leg``,
``last_upper``, ``this_week``, ``last_week``, ``monday``, ``last_run``, ``none`` (no session).

- **Sam** (kg, UTC, intermediate, strength and muscle gain, a full gym, four days a week):
  an upper/lower plan (Upper A Mon: bench press, barbell row, lat pulldown, curl; Lower A Tue:
  back squat, Romanian deadlift, leg press, calf raise; Upper B Thu: overhead press, pull-up,
  incline dumbbell press, cable row; Lower B Fri: *box squat*, deadlift, walking lunge,
  hanging leg raise). He has trained it for seven weeks, doing back squats on Lower B too
  (never the box squat the plan names: the reviewer's defect), front squats once in week 3,
  and runs 5 km on Sundays. This week: Upper A Mon 16, Lower A Tue 17 (back squat 107.5 kg x 6),
  Upper B Wed 18 (yesterday). He logs both bench press and overhead press: "my press" is
  ambiguous.
- **Ana** (lb, New York, beginner, fat loss and general fitness, dumbbells, bands and
  bodyweight, a sore knee, three days a week): a full-body plan (Mon: goblet squat, dumbbell
  bench press, one-arm row, dumbbell Romanian deadlift, forearm plank; Wed: dumbbell overhead press,
  push-up, glute bridge, band row, dead bug; Fri: as Monday with a split squat). Four weeks
  of Mon/Wed/Fri sessions, last on Monday 16 November; Saturday runs. Nothing yesterday.
- **Leo** (kg, new): a profile and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tests import seeding
from tests.factories import add_user
from tests.seeding import LoggedSet, local_time, plan_day

NOW = datetime(2026, 11, 19, 18, 0, tzinfo=UTC)  # a Thursday
SESSION_LABELS = ("last", "yesterday", "last_leg", "last_upper", "this_week", "last_week", "monday",
                  "last_run", "none")


@dataclass
class Person:
    name: str
    user_id: int
    sessions: dict[str, list[int]] = field(default_factory=dict)


def _week_monday(weeks_back: int) -> date:
    this_monday = NOW.date() - timedelta(days=NOW.date().weekday())
    return this_monday - timedelta(weeks=weeks_back)


def _sets(reps: int, weight: float, count: int, rpe: float = 8.0) -> list[tuple]:
    return [(reps, weight, rpe)] * count


def seed_sam() -> Person:
    user_id = add_user("sam")
    seeding.set_profile(user_id, days_per_week=4, fitness_level="intermediate",
                        goals=["strength", "muscle_gain"], session_minutes=60,
                        equipment=["bodyweight", "barbell", "dumbbells", "bench", "pull_up_bar",
                                   "cable_machine", "machines", "cardio_machine"],
                        injuries=[], onboarded_at=NOW - timedelta(days=70))
    plan_id = seeding.add_plan(user_id, [
        plan_day("Upper A", "mon", ["barbell-bench-press", "barbell-row", "lat-pulldown",
                                    "dumbbell-biceps-curl"], reps="6-8", focus="Upper body"),
        plan_day("Lower A", "tue", ["barbell-back-squat", "barbell-romanian-deadlift", "leg-press",
                                    "standing-calf-raise"], reps="5-8", focus="Lower body"),
        plan_day("Upper B", "thu", ["barbell-overhead-press", "pull-up", "incline-dumbbell-press",
                                    "seated-cable-row"], reps="6-10",
                 focus="Upper body: vertical push and pull"),
        plan_day("Lower B", "fri", ["barbell-box-squat", "barbell-deadlift", "walking-lunge",
                                    "hanging-leg-raise"], reps="5-8", focus="Lower body"),
    ], name="Upper/Lower", created_at=NOW - timedelta(days=60))
    person = Person("sam", user_id)
    weeks = 8  # seven full weeks before this one, and this week
    by_label: dict[str, list[int]] = {label: [] for label in SESSION_LABELS}
    for back in range(weeks - 1, -1, -1):
        monday = _week_monday(back)
        n = weeks - 1 - back  # 0 .. 7, oldest first
        days = {"upper_a": monday, "lower_a": monday + timedelta(days=1),
                "upper_b": monday + timedelta(days=3), "lower_b": monday + timedelta(days=4)}
        if back == 0:
            days = {"upper_a": monday, "lower_a": monday + timedelta(days=1),
                    "upper_b": monday + timedelta(days=2)}
        ids = []
        if "upper_a" in days:
            ids.append(("upper_a", seeding.add_session(
                user_id, local_time(days["upper_a"], 17),
                {"barbell-bench-press": _sets(6, 70 + 2.5 * n, 4),
                 "barbell-row": _sets(8, 60 + 2.5 * n, 3),
                 "lat-pulldown": _sets(10, 50 + 2.5 * (n // 2), 3),
                 "dumbbell-biceps-curl": _sets(12, 12 + (n // 3) * 2, 3)},
                plan_id=plan_id, plan_day_index=0, name="Upper A", minutes=62)))
        if "lower_a" in days:
            ids.append(("lower_a", seeding.add_session(
                user_id, local_time(days["lower_a"], 17),
                {"barbell-back-squat": _sets(6, 90 + 2.5 * n, 4),
                 "barbell-romanian-deadlift": _sets(8, 80 + 2.5 * n, 3),
                 "leg-press": _sets(10, 140 + 5 * n, 3),
                 "standing-calf-raise": _sets(12, 60 + 5 * (n // 2), 3)},
                plan_id=plan_id, plan_day_index=1, name="Lower A", minutes=65)))
        if "upper_b" in days:
            ids.append(("upper_b", seeding.add_session(
                user_id, local_time(days["upper_b"], 17),
                {"barbell-overhead-press": _sets(6, 45 + 1.25 * n, 4),
                 "pull-up": [LoggedSet(reps=8 + n // 3, rpe=8.0)] * 3,
                 "incline-dumbbell-press": _sets(10, 24 + 2 * (n // 2), 3),
                 "seated-cable-row": _sets(10, 55 + 2.5 * (n // 2), 3)},
                plan_id=plan_id, plan_day_index=2, name="Upper B", minutes=58)))
        if "lower_b" in days:
            squat = "barbell-front-squat" if n == 2 else "barbell-back-squat"
            ids.append(("lower_b", seeding.add_session(
                user_id, local_time(days["lower_b"], 17),
                {squat: _sets(6, (70 if n == 2 else 85) + 2.5 * n, 3),
                 "barbell-deadlift": _sets(5, 120 + 5 * n, 3),
                 "walking-lunge": _sets(10, 20 + 2 * (n // 2), 3),
                 "hanging-leg-raise": [LoggedSet(reps=10 + n // 2, rpe=8.0)] * 3},
                plan_id=plan_id, plan_day_index=3, name="Lower B", minutes=60)))
        if back >= 1:
            sunday = monday + timedelta(days=6)
            run = seeding.add_session(
                user_id, local_time(sunday, 9),
                {"running": [LoggedSet(seconds=1560 - 15 * n, distance_m=5000.0, rpe=7.0)]},
                name="Sunday run", minutes=27)
            if back == 1:
                by_label["last_run"] = [run]
            if back == 1:
                by_label["last_week"].append(run)
        for _day, session_id in ids:
            if back == 0:
                by_label["this_week"].append(session_id)
            if back == 1:
                by_label["last_week"].append(session_id)
    this_week = by_label["this_week"]
    upper_a, lower_a, upper_b = this_week
    by_label["last"] = [upper_b]
    by_label["yesterday"] = [upper_b]
    by_label["last_leg"] = [lower_a]
    by_label["last_upper"] = [upper_b]
    by_label["monday"] = [upper_a]
    by_label["last_week"].sort()
    # The records the last weeks set (the service writes these as sets are ticked).
    seeding.add_record(user_id, "barbell-back-squat", 107.5, local_time(_week_monday(0) + timedelta(days=1), 18),
                       kind="weight_for_reps", reps=6, previous=105.0, session_id=lower_a)
    seeding.add_record(user_id, "barbell-back-squat", 129.0, local_time(_week_monday(0) + timedelta(days=1), 18),
                       previous=126.0, session_id=lower_a)
    seeding.add_record(user_id, "barbell-bench-press", 87.5, local_time(_week_monday(0), 18),
                       kind="weight_for_reps", reps=6, previous=85.0, session_id=upper_a)
    for week in range(4):
        seeding.add_body_metric(user_id, _week_monday(3 - week), weight_kg=82.0 + 0.3 * week)
    person.sessions = by_label
    return person


def seed_ana() -> Person:
    user_id = add_user("ana")
    zone = "America/New_York"
    seeding.set_profile(user_id, timezone=zone, units="lb", days_per_week=3, fitness_level="beginner",
                        goals=["fat_loss", "general_fitness"], session_minutes=45,
                        equipment=["bodyweight", "dumbbells", "resistance_bands"], injuries=["knee"],
                        onboarded_at=NOW - timedelta(days=35))
    plan_id = seeding.add_plan(user_id, [
        plan_day("Full body A", "mon", ["goblet-squat", "dumbbell-bench-press", "one-arm-dumbbell-row",
                                        "dumbbell-romanian-deadlift", "forearm-plank"], reps="8-12"),
        plan_day("Full body B", "wed", ["dumbbell-overhead-press", "push-up", "glute-bridge",
                                        "band-row", "dead-bug"], reps="10-15"),
        plan_day("Full body C", "fri", ["goblet-squat", "dumbbell-bench-press", "one-arm-dumbbell-row",
                                        "dumbbell-bulgarian-split-squat", "forearm-plank"], reps="8-12"),
    ], name="Full body three days", created_at=NOW - timedelta(days=30))
    by_label: dict[str, list[int]] = {label: [] for label in SESSION_LABELS}
    lb = 0.45359237
    for back in range(4, -1, -1):
        monday = _week_monday(back)
        n = 4 - back
        days = [("a", monday), ("b", monday + timedelta(days=2)), ("c", monday + timedelta(days=4))]
        if back == 0:
            days = days[:1]
        for kind, day in days:
            if kind == "a":
                exercises = {"goblet-squat": _sets(10, (30 + 5 * n) * lb, 3, 7.5),
                             "dumbbell-bench-press": _sets(10, (20 + 2.5 * n) * lb, 3, 8),
                             "one-arm-dumbbell-row": _sets(10, (25 + 2.5 * n) * lb, 3, 8),
                             "dumbbell-romanian-deadlift": _sets(10, (30 + 5 * n) * lb, 3, 7.5),
                             "forearm-plank": [LoggedSet(seconds=30 + 5 * n)] * 3}
                name, index = "Full body A", 0
            elif kind == "b":
                exercises = {"dumbbell-overhead-press": _sets(10, (15 + 2.5 * (n // 2)) * lb, 3, 8),
                             "push-up": [LoggedSet(reps=6 + n)] * 3,
                             "glute-bridge": [LoggedSet(reps=15)] * 3,
                             "band-row": [LoggedSet(reps=15)] * 3,
                             "dead-bug": [LoggedSet(reps=10)] * 2}
                name, index = "Full body B", 1
            else:
                exercises = {"goblet-squat": _sets(10, (30 + 5 * n) * lb, 3, 7.5),
                             "dumbbell-bench-press": _sets(10, (20 + 2.5 * n) * lb, 3, 8),
                             "one-arm-dumbbell-row": _sets(10, (25 + 2.5 * n) * lb, 3, 8),
                             "dumbbell-bulgarian-split-squat": _sets(8, (15 + 2.5 * n) * lb, 2, 8),
                             "forearm-plank": [LoggedSet(seconds=30 + 5 * n)] * 3}
                name, index = "Full body C", 2
            session_id = seeding.add_session(user_id, local_time(day, 7, timezone=zone), exercises,
                                             timezone=zone, plan_id=plan_id, plan_day_index=index,
                                             name=name, minutes=44)
            if back == 0:
                by_label["this_week"].append(session_id)
                by_label["monday"] = [session_id]
                by_label["last"] = [session_id]
                by_label["last_leg"] = [session_id]
                by_label["last_upper"] = [session_id]
            if back == 1:
                by_label["last_week"].append(session_id)
        if back >= 1:
            run = seeding.add_session(user_id, local_time(monday + timedelta(days=5), 8, timezone=zone),
                                      {"running": [LoggedSet(seconds=1500 + 60 * back, distance_m=3218.7)]},
                                      timezone=zone, name="Saturday run", minutes=26)
            if back == 1:
                by_label["last_run"] = [run]
                by_label["last_week"].append(run)
    by_label["last_week"].sort()
    person = Person("ana", user_id, by_label)
    return person


def seed_leo() -> Person:
    user_id = add_user("leo")
    seeding.set_profile(user_id, days_per_week=3, fitness_level="beginner", goals=["general_fitness"],
                        equipment=["bodyweight"], injuries=[], onboarded_at=NOW - timedelta(days=1))
    return Person("leo", user_id, {label: [] for label in SESSION_LABELS})


def seed_everyone() -> dict[str, Person]:
    return {p.name: p for p in (seed_sam(), seed_ana(), seed_leo())}
