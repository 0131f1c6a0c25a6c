"""Exercise names from other apps (Strong, Hevy) matched to Vigor's catalogue.

"Bench Press (Barbell)", "Lat Pulldown (Cable)" or "Squat (Barbell)" name catalogue exercises
in other words; `match_exercise` finds the catalogue id in order: the exact name, an alias,
the normalised name (equipment in parentheses moved to the front, plurals and punctuation
dropped), the same words in any order, and the name without its equipment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.words import expand_shorthand, singular_words

# Strong and Hevy names the normalised match cannot find; keys are normalised on load.
ALIASES: dict[str, str] = {
    "Squat (Barbell)": "barbell-back-squat",
    "Squat (Bodyweight)": "air-squat",
    "Air Squat": "air-squat",
    "Squat (Smith Machine)": "smith-machine-squat",
    "Goblet Squat": "goblet-squat",
    "Overhead Press (Dumbbell)": "dumbbell-overhead-press",
    "Shoulder Press (Dumbbell)": "seated-dumbbell-shoulder-press",
    "Seated Overhead Press (Dumbbell)": "seated-dumbbell-shoulder-press",
    "Military Press (Barbell)": "barbell-overhead-press",
    "Strict Military Press (Barbell)": "barbell-overhead-press",
    "Push Press": "push-press",
    "Incline Bench Press (Dumbbell)": "incline-dumbbell-press",
    "Chest Fly (Dumbbell)": "dumbbell-fly",
    "Chest Fly (Cable)": "cable-fly",
    "Cable Crossover": "cable-fly",
    "Chest Fly (Machine)": "pec-deck",
    "Butterfly (Pec Deck)": "pec-deck",
    "Pec Deck": "pec-deck",
    "Lat Pulldown (Machine)": "machine-pulldown",
    "Seated Cable Row - V Grip (Cable)": "seated-cable-row",
    "Seated Row (Machine)": "machine-row",
    "Dumbbell Row": "one-arm-dumbbell-row",
    "Bent Over One Arm Row (Dumbbell)": "one-arm-dumbbell-row",
    "Triceps Pushdown (Cable - Straight Bar)": "triceps-pushdown",
    "Triceps Pushdown": "triceps-pushdown",
    "Triceps Rope Pushdown": "triceps-pushdown",
    "Triceps Extension (Dumbbell)": "dumbbell-overhead-triceps-extension",
    "Triceps Extension (Cable)": "cable-overhead-triceps-extension",
    "Skullcrusher (Dumbbell)": "dumbbell-skull-crusher",
    "Bicep Curl (Barbell)": "barbell-curl",
    "Bicep Curl (Cable)": "cable-curl",
    "Face Pull": "cable-face-pull",
    "Plank": "forearm-plank",
    "Seated Calf Raise": "machine-calf-raise",
    "Calf Raise (Machine)": "machine-calf-raise",
    "Standing Calf Raise (Dumbbell)": "dumbbell-calf-raise",
    "Hip Abduction (Machine)": "machine-hip-abduction",
    "Hip Adduction (Machine)": "machine-hip-adduction",
    "Farmer's Walk": "farmer-carry",
    "Superman": "prone-superman",
    "Reverse Fly (Dumbbell)": "dumbbell-rear-delt-fly",
    "Rear Delt Reverse Fly (Dumbbell)": "dumbbell-rear-delt-fly",
    "Reverse Fly (Machine)": "machine-reverse-fly",
    "Cable Crunch": "cable-crunch",
    "Diamond Push Up": "diamond-push-up",
    "Hollow Hold": "hollow-hold",
    "Back Extension": "back-extension",
    "Hyperextension": "back-extension",
    "Rowing (Machine)": "rowing-machine-steady",
    "Elliptical Trainer": "elliptical-steady",
    # Cardio as Hevy and Strong name it (their runs are logged with a distance and a time).
    "Treadmill": "treadmill-run",
    "Running (Treadmill)": "treadmill-run",
    "Treadmill Running": "treadmill-run",
    "Run": "running",
    "Jogging": "running",
    "Outdoor Run": "running",
    "Walking": "brisk-walk",
    "Treadmill Walk": "treadmill-incline-walk",
    "Walking (Treadmill)": "treadmill-incline-walk",
    "Rowing Machine": "rowing-machine-steady",
    "Stationary Bike": "stationary-bike-steady",
    "Cycling (Stationary)": "stationary-bike-steady",
    "Spinning": "stationary-bike-steady",
}

# Words in parentheses that name equipment, and the catalogue's word for it.
EQUIPMENT_WORDS: dict[str, str] = {
    "barbell": "barbell",
    "dumbbell": "dumbbells",
    "kettlebell": "kettlebells",
    "cable": "cable_machine",
    "machine": "machines",
    "smith machine": "machines",
    "band": "resistance_bands",
    "resistance band": "resistance_bands",
    "bodyweight": "bodyweight",
    "body weight": "bodyweight",
}


_PARENS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _split_parens(name: str) -> tuple[str, str]:
    """("Bench Press", "Barbell") for "Bench Press (Barbell)"; (name, "") without parentheses."""
    found = _PARENS.match(name.strip())
    return (found.group(1), found.group(2)) if found else (name.strip(), "")


def normalise_name(name: str) -> str:
    """A name reduced for matching: "Bench Press (Barbell)" → "barbell bench press", with gym
    shorthand spelt out ("RDL (Barbell)" → "barbell romanian deadlift")."""
    base, inner = _split_parens(name)
    return " ".join(singular_words(expand_shorthand(f"{inner} {base}")))


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]  # casefolded name → id
    normal: dict[str, str]  # normalised name → id (also with spaces removed)
    words: dict[tuple[str, ...], str]  # sorted words → id, only where unambiguous
    aliases: dict[str, str]
    equipment: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def catalogue_index() -> _Index:
    exact: dict[str, str] = {}
    normal: dict[str, str] = {}
    words: dict[tuple[str, ...], str | None] = {}
    equipment: dict[str, frozenset[str]] = {}
    for entry in catalogue.all_exercises():
        exact.setdefault(entry.name.casefold(), entry.id)
        key = normalise_name(entry.name)
        normal.setdefault(key, entry.id)
        normal.setdefault(key.replace(" ", ""), entry.id)
        sorted_words = tuple(sorted(key.split()))
        words[sorted_words] = entry.id if words.get(sorted_words, entry.id) == entry.id else None
        equipment[entry.id] = entry.equipment_set
    aliases = {normalise_name(name): target for name, target in ALIASES.items()}
    return _Index(exact=exact, normal=normal, words={k: v for k, v in words.items() if v},
                  aliases=aliases, equipment=equipment)


def match_exercise(name: str) -> str | None:
    """The catalogue id for an exercise name from another app, or None.

    In order: the exact name ignoring case; the alias table; the normalised name
    (equipment in parentheses moved to the front, plurals and punctuation dropped, also
    without spaces); the same words in any order; and the name without its equipment when
    the catalogue's exercise uses that equipment ("Lat Pulldown (Cable)" → "Lat pulldown").
    """
    index = catalogue_index()
    if not name.strip():
        return None
    found = index.exact.get(name.strip().casefold())
    if found:
        return found
    key = normalise_name(name)
    for lookup in (index.aliases.get(key), index.normal.get(key), index.normal.get(key.replace(" ", "")),
                   index.words.get(tuple(sorted(key.split())))):
        if lookup:
            return lookup
    base, inner = _split_parens(name)
    kit = EQUIPMENT_WORDS.get(" ".join(singular_words(inner)))
    if kit:
        base_key = " ".join(singular_words(base))
        candidate = (index.normal.get(base_key) or index.normal.get(base_key.replace(" ", ""))
                     or index.words.get(tuple(sorted(base_key.split()))))
        if candidate and kit in index.equipment.get(candidate, frozenset()):
            return candidate
    return None

