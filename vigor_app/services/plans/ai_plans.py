"""Plans through the AI gateway: the built-in draft, the prompt and JSON schema a provider
answers, and the check an AI plan must pass before the gateway accepts it.

The gateway knows nothing of plans: ``generate`` hands it a ``PlanJob`` (the draft, which
is also the answer when no provider gives a valid plan, the messages, the schema, and
``judge``). ``judge`` keeps only the schema's keys (``plan_text.known_parts``), then holds the
plan to every rule the built-in engine keeps (``validate_plan``) and to the text rules
(``plan_text.text_problems``: lengths, no links, markup, instructions or harmful advice), and
checks that it can be stored under its default name. So whatever a provider answers, the
plan that reaches ``plan_library`` is one it can store and show; a plan that fails is
recorded as ``invalid`` and the next provider, or the built-in draft, answers instead.
A plan that keeps all that but breaks a coach's soft rules (``soft_rules``; only those the
draft itself keeps for this person) is recorded as ``invalid`` / ``PlanBreaksSoftRules``
with the rules named, and the provider gets one repair turn listing them
(``fix_message``); a repair that still breaks them is ``invalid`` too.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from vigor_app.services.ai import gateway as ai_gateway
from vigor_app.services.ai.gateway import PlanAnswer, PlanJob, PlanVerdict
from vigor_app.services.ai.prompts import PROMPT_VERSION
from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.catalogue import load_catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import block, engine, plan_text, rules
from vigor_app.services.plans.request import (
    PlanInputError,
    PlanInputs,
    PlanRequest,
    Profile,
    resolve_inputs,
)
from vigor_app.services.plans.soft_rules import soft_violations
from vigor_app.services.plans.validation import validate_plan
from vigor_app.services.plans.violations import Violation
from vigor_app.services.vocabulary import PROGRESSION_RULES, WEEKDAYS

MAX_SEED = 2**31 - 1
MAX_PLAN_NAME = 80
MAX_NAMED_FIXES = 8


_DRILL = {
    "type": "object",
    "additionalProperties": False,
    "required": ["exercise_id", "name", "sets", "reps"],
    "properties": {
        "exercise_id": {"type": "string"},
        "name": {"type": "string"},
        "sets": {"type": "integer"},
        "reps": {"type": "string"},
    },
}
_ITEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["exercise_id", "name", "sets", "reps", "rest_seconds", "rpe", "reason",
                 "easier", "harder", "progression"],
    "properties": {
        "exercise_id": {"type": "string"},
        "name": {"type": "string"},
        "sets": {"type": "integer"},
        "reps": {"type": "string"},
        "rest_seconds": {"type": "integer"},
        "rpe": {"type": "number"},
        "reason": {"type": "string"},
        "easier": {"type": ["string", "null"]},
        "harder": {"type": ["string", "null"]},
        "progression": {"type": "string", "enum": list(PROGRESSION_RULES)},
    },
}
_DAY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "weekday", "focus", "estimated_minutes", "warmup", "exercises",
                 "cooldown"],
    "properties": {
        "name": {"type": "string"},
        "weekday": {"type": ["string", "null"], "enum": [*WEEKDAYS, None]},
        "focus": {"type": "string"},
        "estimated_minutes": {"type": "integer"},
        "warmup": {"type": "array", "items": _DRILL},
        "exercises": {"type": "array", "items": _ITEM},
        "cooldown": {"type": "array", "items": _DRILL},
    },
}
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["split", "days", "rest_days"],
    "properties": {
        "split": {"type": "string"},
        "days": {"type": "array", "items": _DAY},
        "rest_days": {"type": "array", "items": {"type": "string", "enum": list(WEEKDAYS)}},
    },
}


def plan_response_format() -> dict[str, Any]:
    return {"type": "json_schema",
            "json_schema": {"name": "weekly_plan", "strict": True, "schema": PLAN_SCHEMA}}


_PLAN_RULES = """You are Vigor's strength coach. Write one week of training as a JSON object
with the keys split, days and rest_days, following the schema exactly.
Hard rules (a plan breaking any of them is thrown away):
- exactly {days} training days, on distinct weekdays; rest_days are the other weekdays;
  no more than three training days in a row; use the preferred weekdays if any are given;
- only exercises from the list below, with their exact id and name;
- sets {sets_low}-{sets_high}; rest_seconds {rest_low}-{rest_high} for main exercises; rpe from
  {rpe_low:g} to {rpe_high:g}; reps a count ("10"), a range ("8-12") or seconds ("30s") inside
  each exercise's range;
- easier/harder: null or ids from the list; progression: one of {rules} (timed work: time_step);
- each session takes {minutes} minutes (+/-10 %) and estimated_minutes says so;
- enough weekly sets for every major muscle group, never a wasteful amount;
- text is plain words for the person: split at most {split_max} characters, day names at most
  {name_max}, focus at most {focus_max}, each reason one sentence of at most {reason_max}; no
  links, no markup, nothing but coaching, and never advice against Vigor's safety rules.
The draft below already keeps every rule: improve its choices and reasons for this person,
or return it as it is. Answer with the JSON object only."""


def _exercise_line(exercise: Exercise) -> dict[str, Any]:
    line: dict[str, Any] = {"id": exercise.id, "name": exercise.name, "pattern": exercise.pattern,
                            "level": exercise.level}
    if exercise.timed and exercise.seconds_range:
        line["seconds"] = list(exercise.seconds_range)
    elif exercise.rep_range:
        line["reps"] = list(exercise.rep_range)
    if exercise.unilateral:
        line["per_side"] = True
    return line


def plan_messages(inputs: PlanInputs, draft: dict[str, Any]) -> list[dict[str, str]]:
    pool = catalogue.available_for(inputs.equipment, inputs.injuries, inputs.level)
    system = _PLAN_RULES.format(
        days=inputs.days_per_week, minutes=inputs.session_minutes,
        rules=", ".join(PROGRESSION_RULES), sets_low=rules.SETS_RANGE[0],
        sets_high=rules.SETS_RANGE[1], rest_low=rules.REST_RANGE[0], rest_high=rules.REST_RANGE[1],
        rpe_low=rules.RPE_MIN, rpe_high=rules.RPE_MAX[inputs.level],
        split_max=plan_text.LIMITS["split"][1], name_max=plan_text.LIMITS["day_name"][1],
        focus_max=plan_text.LIMITS["focus"][1], reason_max=plan_text.LIMITS["reason"][1],
    )
    person = {key: value for key, value in inputs.to_dict().items() if value not in ([], None)}
    draft_body = plan_text.known_parts(draft)  # the days only: weeks and ramps follow from them
    user = (
        f"Person: {json.dumps(person, separators=(',', ':'))}\n"
        f"Exercises: {json.dumps([_exercise_line(e) for e in pool], separators=(',', ':'))}\n"
        f"Draft: {json.dumps(draft_body, separators=(',', ':'), ensure_ascii=False)}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def repair_messages(messages: Sequence[dict[str, str]], reply: str, problem: str) -> list[dict[str, str]]:
    """One more turn asking the model to fix a reply that was not a readable JSON object."""
    return [
        *messages,
        {"role": "assistant", "content": reply[:20_000]},
        {"role": "user", "content": (
            f"That answer could not be read as JSON ({problem}). Send the same plan again as "
            "one JSON object with the keys split, days and rest_days, and nothing else."
        )},
    ]


def fix_message(violations: Sequence[Violation]) -> str:
    """The repair turn for a plan that keeps the hard rules but not a coach's soft rules."""
    lines = "\n".join(f"- {v.code}: {v}" for v in violations[:MAX_NAMED_FIXES])
    more = len(violations) - MAX_NAMED_FIXES
    extra = f"\n(and {more} more like these)" if more > 0 else ""
    return (
        "That plan breaks these coaching rules:\n"
        f"{lines}{extra}\n"
        "Fix them and send the whole plan again as one JSON object with the keys split, days "
        "and rest_days, keeping every other rule and nothing else."
    )


# --- the request --------------------------------------------------------------------------


def plan_input(profile: Any, request: Any, seed: Any) -> tuple[Profile, PlanRequest]:
    """The person's profile and request as the engine reads them, or ValidationError."""
    try:
        if not isinstance(profile, Profile):
            profile = Profile.from_dict(profile)
        if request is None:
            request = PlanRequest()
        elif not isinstance(request, PlanRequest):
            request = PlanRequest.from_dict(request)
    except PlanInputError as exc:
        raise ValidationError(f"{exc.key}: {exc.detail}", field=exc.key) from exc
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise ValidationError("The plan's seed must be a whole number.", field="seed")
    return profile, request


def _request_dict(request: PlanRequest) -> dict[str, Any]:
    return {"goals": list(request.goals) if request.goals is not None else None,
            "days_per_week": request.days_per_week, "session_minutes": request.session_minutes,
            "focus": list(request.focus), "intensity": request.intensity}


def default_name(plan: dict[str, Any]) -> str:
    """The name a plan is stored under when the person gives none."""
    split = str(plan.get("split", "")).replace("_", " ")
    return f"{len(plan.get('days', []))}-day {split} plan".strip()


def plan_problems(plan: dict[str, Any], profile: Profile | PlanInputs,
                  request: PlanRequest | None = None) -> list[str]:
    """Every reason `plan` may not be shown to this person (empty: it may)."""
    problems = [str(v) for v in validate_plan(plan, profile, request)]
    problems += [str(v) for v in plan_text.text_problems(plan)]
    if not problems and len(default_name(plan)) > MAX_PLAN_NAME:
        problems.append(f"split: the plan's name would be over {MAX_PLAN_NAME} characters")
    return problems


def job(profile: Profile, request: PlanRequest, seed: int,
        draft: dict[str, Any] | None = None) -> PlanJob:
    """What the gateway needs for one plan: the draft, the prompt, the schema and the judge."""
    inputs = resolve_inputs(profile, request)
    if draft is None:
        draft = engine.generate_plan(profile, request, seed).to_dict()

    # The coach's bar for an AI plan is what the engine reaches for this person: a soft rule
    # the draft itself cannot keep (an injury that takes out every press) is not asked for.
    unreachable = {v.code for v in soft_violations(draft, profile, request)}

    def judge(parsed: dict[str, Any], engine_name: str) -> PlanVerdict:
        body = plan_text.known_parts(parsed)
        plan = {"engine": engine_name, "seed": seed, "split": body.get("split"),
                "inputs": inputs.to_dict(), "days": body.get("days"),
                "rest_days": body.get("rest_days")}
        problems = plan_problems(plan, profile, request)
        if problems:
            return PlanVerdict(None, "PlanBreaksRules", "; ".join(problems[:3]))
        soft = [v for v in soft_violations(plan, profile, request) if v.code not in unreachable]
        if soft:
            named = "; ".join(f"{v.code} {v}" for v in soft[:3])
            return PlanVerdict(None, "PlanBreaksSoftRules", named, fix=fix_message(soft))
        return PlanVerdict(block.with_block(plan, inputs, load_catalogue()))

    return PlanJob(
        draft=draft,
        cache_input={"profile": profile.to_dict(), "request": _request_dict(request), "seed": seed,
                     "prompt": PROMPT_VERSION},
        messages=plan_messages(inputs, draft), response_format=plan_response_format(),
        judge=judge, repair=repair_messages)


async def generate(user_id: int, profile: Any, request: Any, seed: Any, *,
                   gateway: ai_gateway.Gateway | None = None) -> PlanAnswer:
    """A weekly plan for the person: from the best provider that can give a valid one, or
    from the built-in engine (with a notice saying why). Always valid and storable; never
    raises for a provider's sake; ValidationError for bad input."""
    profile, request = plan_input(profile, request, seed)
    work = await asyncio.to_thread(job, profile, request, seed)
    return await (gateway or ai_gateway.default_gateway()).generate_plan(user_id, work)
