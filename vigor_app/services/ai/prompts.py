"""What the gateway sends to a provider: system prompts, the plan's JSON schema, the repair
message, and the token estimates reservations are made from.

Changing a prompt changes ``PROMPT_VERSION``, which is part of every cache key: answers to
an old prompt are never served for a new one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from vigor_app.services import catalogue
from vigor_app.services.coach.safety import SYSTEM_RULES
from vigor_app.services.plans import rules
from vigor_app.services.plans.request import PlanInputs
from vigor_app.services.plans.vocabulary import PROGRESSION_RULES, WEEKDAYS

PROMPT_VERSION = "2026-11-22.1"

# Output tokens a feature may use at most (and never more than the provider's own maximum).
FEATURE_OUTPUT_TOKENS = {"plan": 16_000, "chat": 800, "analysis": 1500, "motivation": 300}
# Token estimate for reservations: generous on purpose (about 3 bytes a token where English
# averages 4), so a reservation is a ceiling; settling uses the provider's own counts.
BYTES_PER_TOKEN = 3
TOKENS_PER_MESSAGE = 4
TOKENS_PER_REQUEST = 3


def output_tokens(feature: str, provider_max: int) -> int:
    return max(1, min(FEATURE_OUTPUT_TOKENS.get(feature, provider_max), provider_max))


def estimate_input_tokens(messages: Sequence[dict[str, Any]]) -> int:
    total = TOKENS_PER_REQUEST
    for message in messages:
        text = message.get("content") or ""
        total += TOKENS_PER_MESSAGE + math.ceil(len(str(text).encode()) / BYTES_PER_TOKEN)
    return total


def estimate_output_tokens(text: str) -> int:
    """Output tokens of a reply the provider sent no usage for (a dropped stream)."""
    return math.ceil(len(text.encode()) / BYTES_PER_TOKEN)


# --- plans ------------------------------------------------------------------------------

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
PLAN_KEYS = ("split", "days", "rest_days")


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
- enough weekly sets for every major muscle group, never a wasteful amount.
The draft below already keeps every rule: improve its choices and reasons for this person,
or return it as it is. Answer with the JSON object only."""


def _exercise_line(exercise: catalogue.Exercise) -> dict[str, Any]:
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
    )
    person = {key: value for key, value in inputs.to_dict().items() if value not in ([], None)}
    draft_body = {key: draft[key] for key in PLAN_KEYS if key in draft}
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


_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def parse_json_object(text: str | None) -> tuple[dict[str, Any] | None, str]:
    """(the object, "") or (None, what is wrong). Tolerates a Markdown code fence."""
    if not text or not text.strip():
        return None, "the answer was empty"
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    if not isinstance(value, dict):
        return None, "the answer is JSON but not an object"
    return value, ""


# --- chat -------------------------------------------------------------------------------

_CHAT_SYSTEM = {
    "chat": ("You are Vigor's fitness coach: warm, brief and practical. Answer in plain "
             "language, in a few short paragraphs at most. You are not a doctor: for pain, "
             "injury or illness, suggest seeing a professional."),
    "analysis": ("You are Vigor's training analyst. Read the person's training data in the "
                 "context and point out, briefly and kindly, what goes well and one thing to change."),
    "motivation": "You are Vigor's coach. Write one or two short, warm, specific sentences of encouragement.",
}


def chat_messages(feature: str, messages: Sequence[dict[str, str]], context: str) -> list[dict[str, str]]:
    # The same safety rules the built-in coach follows (red flags → medical care; no harmful practices).
    system = f"{_CHAT_SYSTEM[feature]}\n\n{SYSTEM_RULES}"
    if context:
        system += f"\n\nWhat Vigor knows about this person:\n{context}"
    return [{"role": "system", "content": system},
            *({"role": m["role"], "content": m["content"]} for m in messages)]
