"""A plan day's focus line, written from the exercises the day holds.

A day's focus ("Upper body: horizontal push and pull, vertical pull, core") tells the person
what the day trains, so every word of it must be true of the day's exercises. It is never a
template's fixed text: equipment, injuries, time and the week's allocation decide which
patterns a day ends up with. ``focus_text`` writes it:

- the movement patterns of the day's strength exercises (``vocabulary.STRENGTH_PATTERNS``)
  in the order they first appear, each once, in plain words ("horizontal_push" ->
  "horizontal push"); a push and a pull of the same plane both held read "horizontal push
  and pull" (at the first of the two). Patterns no exercise has are never named;
- before them, the body region: the one the day's name or label says (Upper, Lower, Legs,
  Push, Pull; "Upper" reads "Upper body") when the day's lifts fit it and it holds at least
  one of its own patterns, else the region of the lifts themselves ("Upper body", "Lower
  body", "Full body"); none when the day has no squat, hinge, lunge, push or pull;
- a day with no strength exercise names its conditioning and mobility work instead;
- exercises the catalogue does not know (custom or removed ids) are skipped; a day with
  nothing known gives "".

The text stays within ``MAX_CHARS``, the focus field's limit (``plan_text.LIMITS["focus"]``,
which imports the validator and so is not imported here; a test keeps the two equal); the
vocabulary's longest line is well under it.

The engine writes every day's focus with it, and ``block.with_block`` rewrites an accepted
AI plan's (and a swapped plan's) focus with it. Other services may call it on a stored day
whose saved focus may be stale (``stored_day_focus``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vigor_app.services.catalogue.catalogue import Catalogue, load_catalogue
from vigor_app.services.plans import soft_limits
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

# A word of a day's name -> (the region it reads as, its own patterns, the lift patterns it allows).
_NAMED_REGIONS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "upper": ("Upper body", soft_limits.UPPER, soft_limits.FOCUS_PATTERNS["upper"]),
    "lower": ("Lower body", soft_limits.LOWER, soft_limits.FOCUS_PATTERNS["lower"]),
    "legs": ("Legs", soft_limits.LOWER, soft_limits.FOCUS_PATTERNS["legs"]),
    "push": ("Push", soft_limits.PUSH_PATTERNS, soft_limits.FOCUS_PATTERNS["push"]),
    "pull": ("Pull", soft_limits.PULL_PATTERNS, soft_limits.FOCUS_PATTERNS["pull"]),
}
# Patterns that make a region (core and carries fit any day and make none).
_LIFTS = soft_limits.LIFT_PATTERNS
_PAIRS = {
    "horizontal_push": "horizontal_pull",
    "horizontal_pull": "horizontal_push",
    "vertical_push": "vertical_pull",
    "vertical_pull": "vertical_push",
}
_NON_STRENGTH = ("conditioning", "mobility")
MAX_CHARS = 120


def pattern_words(pattern: str) -> str:
    """A pattern in plain words: "horizontal_push" -> "horizontal push"."""
    return pattern.replace("_", " ")


def focus_text(label: str, exercise_ids: Iterable[str], catalogue: Catalogue | None = None) -> str:
    """A day's focus line from what it holds, e.g. "Upper body: horizontal push, vertical pull,
    core" (see the module docstring).

    ``label`` is the day's template label ("Upper", "Full body A") or stored name ("Day 2 -
    Upper A", or whatever an AI called it); it only ever chooses the region's word, and only
    when the day's lifts fit it. ``exercise_ids`` are the day's exercises in order (not its
    warm-up or cool-down); ids the catalogue (default: the bundled one) lacks are skipped.
    """
    known = catalogue if catalogue is not None else load_catalogue()
    patterns: list[str] = []
    for exercise_id in exercise_ids:
        exercise = known.find(exercise_id)
        if exercise is not None and exercise.pattern not in patterns:
            patterns.append(exercise.pattern)
    strength = [p for p in patterns if p in STRENGTH_PATTERNS]
    if not strength:
        return ", ".join(p for p in patterns if p in _NON_STRENGTH).capitalize()
    words = _phrases(strength)
    region = _region(label, strength)
    text = f"{region}: {', '.join(words)}" if region else ", ".join(words).capitalize()
    return _within_limit(text)


def stored_day_focus(day: Mapping[str, Any], catalogue: Catalogue | None = None) -> str:
    """``focus_text`` for a stored plan day (its ``name`` and its ``exercises``' ids); a
    malformed day gives what can be read of it."""
    name = day.get("name")
    items = day.get("exercises")
    ids = (
        [item.get("exercise_id") for item in items if isinstance(item, Mapping)]
        if isinstance(items, list)
        else []
    )
    return focus_text(
        name if isinstance(name, str) else "", [i for i in ids if isinstance(i, str)], catalogue
    )


def _phrases(strength: list[str]) -> list[str]:
    """The patterns in order as words, a same-plane push and pull joined at the first one."""
    words: list[str] = []
    for pattern in strength:
        partner = _PAIRS.get(pattern)
        if partner in strength:
            if strength.index(partner) < strength.index(pattern):
                continue  # already said with its partner
            plane = pattern.split("_")[0]
            words.append(f"{plane} push and pull")
        else:
            words.append(pattern_words(pattern))
    return words


def _region(label: str, strength: list[str]) -> str:
    lifts = {p for p in strength if p in _LIFTS}
    if not lifts:
        return ""
    words = label.casefold().replace("\u2014", " ").replace("\u2013", " ").split()
    named = next((_NAMED_REGIONS[w] for w in words if w in _NAMED_REGIONS), None)
    if named is not None:
        region, own, allowed = named
        if lifts <= allowed and lifts & own:
            return region
    upper = bool(lifts & soft_limits.UPPER)
    lower = bool(lifts & soft_limits.LOWER)
    return "Full body" if upper and lower else "Upper body" if upper else "Lower body"


def _within_limit(text: str) -> str:
    """Guard for the focus field's length: whole phrases are dropped from the end (the
    vocabulary's longest line is far below the limit, so this never happens today)."""
    while len(text) > MAX_CHARS and ", " in text:
        text = text.rsplit(", ", 1)[0]
    return text[:MAX_CHARS]
