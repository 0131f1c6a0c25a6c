"""Weekly splits and their day templates.

The split follows the number of days: 2-3 full body, 4 upper/lower, 5 push/pull/legs plus
upper and lower, 6 push/pull/legs twice. Labels repeat across a split ("Upper", "Upper");
the engine letters them A, B, C.

The templates are data, in ``vigor_app/data/day_templates.json``: each a label and its
slots as ``[role, "patterns", "muscles"]`` (space-separated words, muscles optional), and
each split its name and its days in order; words outside the vocabulary are refused on
loading. A template has no focus line: what a day ends up holding depends on the person, so
its focus is written from its exercises (``day_focus``).

A day template is an ordered list of slots; the engine fills slots in order while the
session has time, so the first slots are the ones that matter most (main lifts first,
then secondary lifts, core, accessories, carries).

Accessory slots may name muscles; the engine then prefers exercises whose primary muscles
include them (isolation work is filed in the catalogue under its nearest pattern: curls
under vertical pull, triceps extensions under the pushes, calf raises under squat).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vigor_app.services.vocabulary import MUSCLES, PATTERNS


@dataclass(frozen=True)
class Slot:
    role: str  # main | secondary | accessory | core | carry | conditioning | mobility | focus
    patterns: tuple[str, ...]
    muscles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DayTemplate:
    label: str
    slots: tuple[Slot, ...]


ROLES = frozenset({"main", "secondary", "accessory", "core", "carry", "conditioning", "mobility", "focus"})
TEMPLATES_PATH = Path(__file__).resolve().parents[2] / "data" / "day_templates.json"


def _slot(role: str, patterns: str, muscles: str = "") -> Slot:
    """A slot from the file: its role, then its patterns and muscles as space-separated words."""
    slot = Slot(role, tuple(patterns.split()), tuple(muscles.split()))
    unknown = ({role} - ROLES) | (set(slot.patterns) - set(PATTERNS)) | (set(slot.muscles) - set(MUSCLES))
    if unknown or not slot.patterns:
        raise ValueError(f"day templates: bad slot {[role, patterns, muscles]} ({', '.join(sorted(unknown))})")
    return slot


def read_splits(path: Path = TEMPLATES_PATH) -> dict[int, tuple[str, tuple[DayTemplate, ...]]]:
    """The splits by days per week, each with its day templates, from the templates file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    templates = {
        key: DayTemplate(day["label"], tuple(_slot(*slot) for slot in day["slots"]))
        for key, day in data["templates"].items()
    }
    return {
        int(days): (split["name"], tuple(templates[key] for key in split["days"]))
        for days, split in data["splits"].items()
    }


SPLIT_BY_DAYS: dict[int, tuple[str, tuple[DayTemplate, ...]]] = read_splits()


def split_for(days_per_week: int) -> tuple[str, tuple[DayTemplate, ...]]:
    return SPLIT_BY_DAYS[days_per_week]
