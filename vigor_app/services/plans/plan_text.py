"""The words in a plan: what a plan may say, whoever wrote it.

A plan's free text (the split's name, each day's name and focus, each exercise's reason) is
shown to the person and the split names the stored plan, so an AI-written plan is held to
limits before it is accepted (``text_problems``, violations in the validator's shape):

- length: ``LIMITS`` (the split fits a plan name: "4-day <split> plan" stays under 80);
- characters: printable text on one line: no control or invisible formatting characters;
- no links (``http://``, ``www.``, a bare domain, ``mailto:``) and no markup (``<`` ``>``
  ``[`` ``]`` ``{`` ``}``, backticks, backslashes): plan fields are plain words;
- no instructions to a model ("ignore previous instructions", "system prompt"...);
- no harmful advice: each field goes through the coach's safety screen
  (``advice_screen.screen_advice``), so the coach's rules, as they grow, hold for plans too.

``known_parts`` keeps only the keys the plan schema defines (at every level): a provider's
extra keys never reach storage or a page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from vigor_app.services.plans.validation import DRILL_KEYS, ITEM_KEYS
from vigor_app.services.plans.violations import Violation
from vigor_app.services.safety import advice_screen

PLAN_KEYS = ("split", "days", "rest_days")
DAY_KEYS = ("name", "weekday", "focus", "estimated_minutes", "warmup", "exercises", "cooldown")

# (min, max) characters of each free-text field.
LIMITS: dict[str, tuple[int, int]] = {
    "split": (1, 40),
    "day_name": (1, 60),
    "focus": (0, 120),
    "reason": (1, 240),
}

_LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|\bwww\.|\bmailto:|\bjavascript:|\bdata:|"
    r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|uk|de|ru|cn|xyz|info|biz|me|ly|gg|app|"
    r"dev|site|online|shop|link|top|click|ai|tk)\b)",
    re.IGNORECASE)
_MARKUP = re.compile(r"[<>\[\]{}`\\]|&#?\w+;")
_INSTRUCTIONS = re.compile(
    r"\b(?:ignore|disregard|forget) (?:all |any |the |your )?(?:previous|prior|above|earlier|"
    r"preceding) (?:instructions|rules|messages|prompts?)\b|\bsystem prompt\b|\byou are now\b|"
    r"\bnew instructions\b|\bas an ai\b|\bdeveloper mode\b|\bjailbreak\w*\b",
    re.IGNORECASE)


def field_problem(text: Any, limits: tuple[int, int]) -> str | None:
    """Why `text` cannot be shown as a plan field, or None."""
    if not isinstance(text, str):
        return "must be text"
    low, high = limits
    if not low <= len(text.strip()) <= high:
        return f"must be {low} to {high} characters" if low else f"must be at most {high} characters"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in text):
        return "must be plain text on one line"
    if _LINK.search(text):
        return "must not contain links"
    if _MARKUP.search(text):
        return "must not contain markup"
    if _INSTRUCTIONS.search(text):
        return "must not contain instructions"
    verdict = advice_screen.screen_advice(text)
    if not verdict.ok:
        return f"gives unsafe advice ({verdict.topic})"
    return None


def text_problems(plan: Any) -> list[Violation]:
    """Every free-text field of `plan` that breaks the rules above (the shape itself is
    ``validate_plan``'s business: what is missing here is skipped)."""
    found: list[Violation] = []

    def check(text: Any, limit: str, where: str) -> None:
        problem = field_problem(text, LIMITS[limit])
        if problem:
            found.append(Violation("text", f"{where.rsplit('.', 1)[-1]} {problem}", where))

    if not isinstance(plan, Mapping):
        return found
    check(plan.get("split"), "split", "split")
    days = plan.get("days")
    for index, day in enumerate(days if isinstance(days, list) else []):
        if not isinstance(day, Mapping):
            continue
        where = f"days[{index}]"
        check(day.get("name"), "day_name", f"{where}.name")
        check(day.get("focus", ""), "focus", f"{where}.focus")
        items = day.get("exercises")
        for number, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, Mapping):
                check(item.get("reason"), "reason", f"{where}.exercises[{number}].reason")
    return found


def known_parts(plan: Mapping[str, Any]) -> dict[str, Any]:
    """`plan` with only the keys the schema defines, at every level (shape unchecked)."""

    def pick(value: Any, keys: tuple[str, ...]) -> Any:
        return {k: value[k] for k in keys if k in value} if isinstance(value, Mapping) else value

    def items(value: Any, keys: tuple[str, ...]) -> Any:
        return [pick(v, keys) for v in value] if isinstance(value, list) else value

    body = pick(plan, PLAN_KEYS)
    days = body.get("days")
    if isinstance(days, list):
        body["days"] = []
        for day in days:
            day = pick(day, DAY_KEYS)
            if isinstance(day, dict):
                for part, keys in (("warmup", DRILL_KEYS), ("exercises", ITEM_KEYS),
                                   ("cooldown", DRILL_KEYS)):
                    if part in day:
                        day[part] = items(day[part], keys)
            body["days"].append(day)
    return body
