"""What a plan tells the person about the choices it made for them (``notes`` in the plan).

- **Short on time** (``kind: "time"``): a week under ``soft_limits.FULL_WEEK_MINUTES``
  (3 × 45 min), or lifting sharing a week with other goals, cannot hold every goal's full
  dose. The engine keeps each session's goal work (a conditioning finisher for endurance
  or fat loss, mobility drills for mobility: ``settling`` removes them last) and scales the
  weekly lifting volume (``soft_limits.volume_floor``). The note names the goal(s) it
  favoured (``favoured``) and the weekly sets per muscle that remain.
- **Balances an injury takes away** (``kind: "balance"``): when the person's injuries leave
  fewer than ``soft_limits.MIN_SIDE_EXERCISES`` exercises on one side of push:pull or
  squat:hinge (and the uninjured kit had enough), that balance is not kept: the plan keeps
  the other side's work rather than cutting it to match, and says so.
- **Injuries** (``kind: "injury"``): for each injury, the major muscles it takes out -
  those some exercise of the person's kit trains without the injury, but none that is safe
  with it. Only those muscles lose their weekly minimum; the note says which, or that the
  injury removed exercises but no muscle.
"""

from __future__ import annotations

from typing import Any

from vigor_app.services.catalogue.catalogue import Catalogue
from vigor_app.services.plans import soft_limits
from vigor_app.services.plans.request import PlanInputs
from vigor_app.services.vocabulary_labels import label

GOAL_WORK = {  # goals the engine gives their own slot in every session, and that slot's work
    "endurance": "a conditioning finisher",
    "fat_loss": "a conditioning finisher",
    "mobility": "mobility drills",
}


def plan_notes(inputs: PlanInputs, catalogue: Catalogue) -> list[dict[str, Any]]:
    notes = []
    time = time_note(inputs)
    if time is not None:
        notes.append(time)
    notes.extend(injury_notes(inputs, catalogue))
    notes.extend(balance_notes(inputs, catalogue))
    return notes


def _goal_list(goals: list[str]) -> str:
    words = [label(g).lower() for g in goals]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def time_note(inputs: PlanInputs) -> dict[str, Any] | None:
    goals = list(inputs.goals)
    minutes = soft_limits.weekly_minutes(inputs.days_per_week, inputs.session_minutes)
    lifting = [g for g in goals if g in soft_limits.LIFTING_GOALS]
    lifting_minutes = minutes * len(lifting) // len(goals) if lifting and goals else minutes
    if minutes >= soft_limits.FULL_WEEK_MINUTES and lifting_minutes >= soft_limits.FULL_WEEK_MINUTES:
        return None
    floor = soft_limits.volume_floor(inputs.goals, inputs.level, minutes)
    week = f"{inputs.days_per_week} × {inputs.session_minutes} min"
    slotted = [g for g in goals if g in GOAL_WORK]
    if slotted:
        favoured = slotted
        work = sorted({GOAL_WORK[g] for g in slotted})
        text = (f"Your week ({week}) is short of what all your goals need together, so the plan "
                f"favours {_goal_list(slotted)}: {' and '.join(work)} in every session, and lifting "
                f"gets the rest of the time, at least {floor} sets a week for each major muscle.")
    else:
        favoured = sorted(lifting, key=lambda g: g != "strength") if lifting else goals[:1]
        text = (f"Your week ({week}) is shorter than the 3 × 45 min a full programme takes, so the "
                f"plan favours {_goal_list(favoured)}: the main lifts keep their sets first, and each "
                f"major muscle gets at least {floor} sets a week instead of the full dose.")
    return {"kind": "time", "favoured": favoured, "text": text}


def injury_notes(inputs: PlanInputs, catalogue: Catalogue) -> list[dict[str, Any]]:
    unhurt = soft_limits.trainable_muscles(catalogue.available_for(inputs.equipment, (), inputs.level))
    notes = []
    for injury in sorted(inputs.injuries):
        pool = catalogue.available_for(inputs.equipment, (injury,), inputs.level)
        lost = sorted(unhurt - soft_limits.trainable_muscles(pool))
        name = label(injury).lower()
        if lost:
            text = (f"Your {name} injury rules out every exercise for your "
                    f"{_goal_list(lost)} with your equipment, so the plan sets no weekly minimum "
                    f"for {'it' if len(lost) == 1 else 'them'}; every other muscle keeps its own.")
        else:
            text = (f"Your {name} injury rules out the exercises that load it, but every major "
                    f"muscle can still be trained safely: the weekly minimums stand.")
        notes.append({"kind": "injury", "injury": injury, "muscles": lost, "text": text})
    return notes


def balance_notes(inputs: PlanInputs, catalogue: Catalogue) -> list[dict[str, Any]]:
    if not inputs.injuries:
        return []
    unhurt = catalogue.available_for(inputs.equipment, (), inputs.level)
    pool = catalogue.available_for(inputs.equipment, inputs.injuries, inputs.level)
    notes = []
    for rule, top, bottom, _ in soft_limits.BALANCES:
        if not soft_limits.balance_judged(unhurt, top, bottom) or soft_limits.balance_judged(pool, top, bottom):
            continue
        names = soft_limits.BALANCE_SIDES[rule]
        short, kept = (names[0], names[1]) if (
            soft_limits.side_exercises(pool, top) < soft_limits.side_exercises(pool, bottom)) else names[::-1]
        text = (f"Your {'injury leaves' if len(inputs.injuries) == 1 else 'injuries leave'} almost "
                f"no {short} exercise you can do safely with your equipment, so {short} and {kept} "
                f"work are not balanced in this plan: it keeps your {kept} work rather than cutting "
                f"it to match.")
        notes.append({"kind": "balance", "rule": rule, "text": text})
    return notes
