"""Finding the catalogue exercise a message to the coach names.

Exercise names are matched forgivingly (`find_exercise_mentioned`): plurals ("squats"),
hyphens and run-together words ("pushups"), gym shorthand ("RDL", "OHP", "DB") and typos
("deadlfit", via difflib) all find the exercise; catalogue ids count as names too ("skull
crusher"). Each candidate scores the rarity (idf) of the words it shares with the message,
minus a penalty for each distinctive word of its name the message leaves out (equipment and
position words such as "barbell" or "seated" cost little). Then the person's own exercises
(logged or in the plan) get a bonus, then those they can do with their equipment, injuries
and level, then an exercise whose id the message spells in full ("goblet squat" is
goblet-squat, not cable-goblet-squat); ties go to the level nearest theirs, the easier one,
the shorter name. Technique answers use any match; weights and comebacks only a strong one
(every distinctive word of the name, or two of them, said).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.words import expand_shorthand, singular_words
from vigor_app.services.safety import messages as safety
from vigor_app.services.vocabulary import LEVEL_RANK

# Words that join or qualify names: they never make a match on their own.
STOPWORDS = frozenset({
    "up", "s", "to", "the", "a", "an", "with", "of", "and", "in", "on", "down", "over", "3",
    "45", "90", "degree", "i", "my", "do", "how", "what", "is", "it", "for", "should", "would",
    "could", "about", "after", "before", "today", "which", "where", "there", "their", "these",
    "those", "think", "train", "training", "weight", "heavy", "doing", "going", "being", "feel",
    "really", "still", "every", "since", "again", "week", "weeks", "month", "months", "better",
    "proper", "properly", "correctly", "instead", "please", "thanks", "exercise", "exercises",
})
MODIFIERS = frozenset({
    "barbell", "dumbbell", "kettlebell", "cable", "band", "banded", "machine", "bodyweight",
    "seated", "standing", "lying", "kneeling", "single", "one", "arm", "leg", "incline",
    "decline", "close", "grip", "wide", "reverse", "front", "back", "double", "bent", "supported",
    "chest", "weighted", "easy", "steady", "interval", "elevated", "feet", "hand",
    "bottom", "knee", "hip", "wall", "floor", "bench", "box", "assisted",
})
FUZZY_MIN_LENGTH = 6
FUZZY_CUTOFF = 0.85
PREFERRED_BONUS = 3.0
AVAILABLE_BONUS = 0.5
WHOLE_ID_BONUS = 1.0  # "goblet squat" is goblet-squat before cable-goblet-squat
UNMATCHED_KEY_PENALTY = 2.0  # per key word of the name the message does not say
UNMATCHED_MODIFIER_PENALTY = 0.1


def _tokens(text: str) -> list[str]:
    return [word for word in singular_words(text, plain=True) if word not in STOPWORDS]


@dataclass(frozen=True)
class _Entry:
    exercise: catalogue.Exercise
    tokens: frozenset[str]  # name and id
    name_tokens: frozenset[str]
    id_tokens: frozenset[str]


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[_Entry, ...], dict[str, float], tuple[str, ...]]:
    entries = tuple(
        _Entry(e, frozenset(_tokens(e.name)) | frozenset(_tokens(e.id)), frozenset(_tokens(e.name)),
               frozenset(_tokens(e.id)))
        for e in catalogue.all_exercises()
    )
    counts: dict[str, int] = {}
    for entry in entries:
        for token in entry.tokens:
            counts[token] = counts.get(token, 0) + 1
    idf = {token: math.log(len(entries) / count) + 1.0 for token, count in counts.items()}
    return entries, idf, tuple(sorted(idf))


def _message_tokens(message: str) -> set[str]:
    text = expand_shorthand(safety.normalise(message))
    _, idf, vocabulary = _index()
    found = set()
    for token in _tokens(text):
        if token in idf or len(token) < FUZZY_MIN_LENGTH:
            found.add(token)
            continue
        close = difflib.get_close_matches(token, vocabulary, n=1, cutoff=FUZZY_CUTOFF)
        found.add(close[0] if close else token)
    return found


@dataclass(frozen=True)
class Mention:
    exercise: catalogue.Exercise
    strong: bool  # every key word of the name is in the message, or two key words are


def find_exercise_mentioned(message: str, preferred: Iterable[str] = (),
                            equipment: Iterable[str] = ("bodyweight",),
                            injuries: Iterable[str] = (), level: str = "advanced") -> Mention | None:
    """The catalogue exercise `message` names, best first by the rules in the module docstring."""
    entries, idf, _ = _index()
    said = _message_tokens(message)
    if not said:
        return None
    preferred = set(preferred)
    try:
        available = {e.id for e in catalogue.available_for(equipment, injuries, level)}
    except ValueError:
        available = set()
    level_rank = LEVEL_RANK.get(level, 0)
    best: tuple[tuple[float, int, int, int, str], Mention] | None = None
    for entry in entries:
        matched = entry.tokens & said
        keys = matched - MODIFIERS
        if not keys:
            continue
        missing = entry.name_tokens - matched
        missing_keys = missing - MODIFIERS
        score = (sum(idf[t] for t in matched)
                 - UNMATCHED_KEY_PENALTY * len(missing_keys)
                 - UNMATCHED_MODIFIER_PENALTY * len(missing - missing_keys))
        exercise = entry.exercise
        if exercise.id in preferred:
            score += PREFERRED_BONUS
        if exercise.id in available:
            score += AVAILABLE_BONUS
        if entry.id_tokens <= said:
            score += WHOLE_ID_BONUS
        fit = abs(exercise.level_rank - level_rank)
        rank = (-round(score, 6), fit, exercise.difficulty, len(exercise.name), exercise.id)
        strong = not missing_keys or len(keys) >= 2
        if best is None or rank < best[0]:
            best = (rank, Mention(exercise, strong))
    return best[1] if best else None
