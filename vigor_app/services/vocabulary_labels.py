"""Words of the plan vocabulary as people read them ("pull_up_bar" → "Pull-up bar")."""

from __future__ import annotations

_SPECIAL = {
    "pull_up_bar": "Pull-up bar",
    "barbell": "Barbell and rack",
    "machines": "Weight machines",
    "cardio_machine": "Cardio machine",
    "resistance_bands": "Resistance bands",
    "cable_machine": "Cable machine",
    "muscle_gain": "Muscle gain",
    "fat_loss": "Fat loss",
    "general_fitness": "General fitness",
    "lower_back": "Lower back",
    "full_body": "Full body",
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
    "sat": "Saturday", "sun": "Sunday",
}


def label(word: str) -> str:
    return _SPECIAL.get(word) or word.replace("_", " ").capitalize()


def labels(words) -> list[str]:
    return [label(w) for w in words]
