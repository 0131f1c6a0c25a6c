"""Finding the exercise a message to the coach names, the person's own first.

Exercise names are matched forgivingly: plurals ("squats"), hyphens and run-together words
("pushups", "deadbug"), gym shorthand ("RDL", "OHP", "DB", "bench", "shoulder press"), swapped
letters ("sqaut") and typos ("deadlfit", via difflib); catalogue ids count as names too ("skull
crusher"); "leg day" and "push session" are kinds of day, never an exercise's words. Each
candidate scores the rarity (idf) of the words it shares with the message, minus a penalty for
each distinctive word of its name the message leaves out (equipment and position words such as
"barbell" or "seated" cost little).

`resolve_exercise` (what the coach uses) looks at the person's own exercises first
(`own_exercises`): one that matches within `OWN_MARGIN` of the best catalogue match, and has
every variant word the person said ("front squat" is not their back squat), is the one meant -
logged before only planned, then the fewest unsaid key words, then the most used lately. When
other own exercises match the same words just as well and neither is used far more
(`DOMINANT_RATIO` for the same movement, `DOMINANT_RATIO_OTHER_MOVEMENT` for another), the
`Resolution` carries the `choices` to ask back about. Without an own exercise it is the
catalogue's best, preferring what they can do with their equipment, injuries and level
(`find_exercise_mentioned`); `resolve_each` reports several named together ("RDLs and
deadlifts"). A match is strong when every key word of the name, or two of them, is said.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.words import expand_shorthand, singular_words
from vigor_app.services.coach.own_exercises import OwnExercise, OwnExercises
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
    "bottom", "knee", "hip", "wall", "floor", "bench", "box", "assisted", "overhead",
})
# Variant words: when the person says one, their own exercise must have it ("front squat" is
# not their back squat). "back" counts only in "back squat" ("my back is sore").
VARIANTS = frozenset({
    "barbell", "dumbbell", "kettlebell", "cable", "band", "banded", "machine", "seated", "standing",
    "lying", "kneeling", "single", "incline", "decline", "close", "wide", "reverse",
    "weighted", "assisted", "box", "overhead", "romanian", "sumo", "goblet", "bulgarian", "split",
})
IN_CONTEXT_VARIANTS = {"back": r"\bback squats?\b", "front": r"\bfront (?:squat|raise|rack)s?\b"}
FUZZY_MIN_LENGTH = 6
TYPO_MIN_LENGTH = 5  # shorter words are too close to other words ("last" is not "lat")
SHORT_TYPOS = {"sqat": "squat", "sqats": "squats", "benc": "bench", "dedl": "deadlift", "rdls": "rdl"}
FUZZY_CUTOFF = 0.85
PREFERRED_BONUS = 3.0
AVAILABLE_BONUS = 0.5
WHOLE_ID_BONUS = 1.0  # "goblet squat" is goblet-squat before cable-goblet-squat
UNMATCHED_KEY_PENALTY = 2.0  # per key word of the name the message does not say
UNMATCHED_MODIFIER_PENALTY = 0.1
OWN_MARGIN = 2.5  # an own exercise matching nearly as well as the catalogue's best is the one meant
# "Rows" is the row logged at least twice as often as any other row; "press" is the bench press
# only when it is logged three times as often as the overhead press (a different movement).
DOMINANT_RATIO = 2.0
DOMINANT_RATIO_OTHER_MOVEMENT = 3.0
# Everyday words for runs: the catalogue's "running".
RUN_WORDS = frozenset({"run", "runs", "jog", "jogs", "jogging", "5k", "10k"})
# Names people use for a lift whose catalogue name says it differently: both words are kept.
# "Leg day", "push session": the kind of a day, never an exercise's words.
DAY_WORDS = re.compile(r"\b(?:legs?|lower|upper|push|pull|chest|back|arms?|shoulders?|core|full)(?: body)? "
                       r"(?:days?|sessions?|workouts?)\b")
SYNONYMS = ((re.compile(r"\bshoulder press"), "shoulder overhead press"),
            (re.compile(r"\bchest press"), "chest bench press"))


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


@lru_cache(maxsize=4096)
def _index_tokens(exercise_id: str) -> frozenset[str]:
    """Every word of an exercise's name and id."""
    entries, _, _ = _index()
    return next((e.tokens for e in entries if e.exercise.id == exercise_id), frozenset())


def _transposed(word: str, idf: dict[str, float]) -> str | None:
    """The exercise word `word` is with two neighbouring letters swapped back ("sqaut"), if any."""
    if len(word) < TYPO_MIN_LENGTH or word in idf:
        return None
    for i in range(len(word) - 1):
        candidate = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        for form in (candidate, singular_words(candidate, plain=True)[0]):
            if form in idf:
                return candidate
    return None


def _run_together(word: str, idf: dict[str, float]) -> str | None:
    """Two exercise words written as one ("deadbug" -> "dead bug"), if `word` is that."""
    if len(word) < 2 * 3 or word in idf:
        return None
    for i in range(3, len(word) - 2):
        head, tail = word[:i], word[i:]
        if head in idf and (tail in idf or singular_words(tail, plain=True)[0] in idf):
            return f"{head} {tail}"
    return None


def _spelled(text: str) -> str:
    """Misspelt exercise words put right before shorthand is read ("sqaut", "benchh", "deadlfit")."""
    _, idf, vocabulary = _index()
    words = []
    for word in text.split():
        word = SHORT_TYPOS.get(word, word)
        swapped = _transposed(word, idf) or _run_together(word, idf)
        if swapped:
            word = swapped
        elif len(word) >= TYPO_MIN_LENGTH and word not in idf and word not in STOPWORDS \
                and singular_words(word, plain=True)[0] not in idf:
            close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=FUZZY_CUTOFF)
            word = close[0] if close else word
        words.append(word)
    return " ".join(words)


def _message_tokens(message: str) -> set[str]:
    text = expand_shorthand(_spelled(DAY_WORDS.sub(" ", safety.normalise(message))))
    for pattern, replacement in SYNONYMS:
        text = pattern.sub(replacement, text)
    _, idf, vocabulary = _index()
    found = set()
    for word in _tokens(text):
        token = "running" if word in RUN_WORDS else word
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


@dataclass(frozen=True)
class _Scored:
    exercise: catalogue.Exercise
    score: float  # how well the words match, before anything about the person
    matched: frozenset[str]
    missing_keys: int
    strong: bool
    whole_id: bool


def _scored(said: set[str]) -> list[_Scored]:
    entries, idf, _ = _index()
    found = []
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
        found.append(_Scored(entry.exercise, score, frozenset(matched), len(missing_keys),
                             not missing_keys or len(keys) >= 2, entry.id_tokens <= said))
    return found


def find_exercise_mentioned(message: str, preferred: Iterable[str] = (),
                            equipment: Iterable[str] = ("bodyweight",),
                            injuries: Iterable[str] = (), level: str = "advanced") -> Mention | None:
    """The catalogue exercise `message` names, best first by the rules in the module docstring."""
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
    for found in _scored(said):
        exercise = found.exercise
        score = found.score
        if exercise.id in preferred:
            score += PREFERRED_BONUS
        if exercise.id in available:
            score += AVAILABLE_BONUS
        if found.whole_id:
            score += WHOLE_ID_BONUS
        fit = abs(exercise.level_rank - level_rank)
        rank = (-round(score, 6), fit, exercise.difficulty, len(exercise.name), exercise.id)
        if best is None or rank < best[0]:
            best = (rank, Mention(exercise, found.strong))
    return best[1] if best else None


# --- the person's own exercises first ---------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """What a message's exercise words stand for: a `mention` (with ``own`` when it is one of the
    person's own exercises), or, when it is truly ambiguous, the `choices` to ask back about."""

    mention: Mention | None = None
    own: OwnExercise | None = None
    choices: tuple[OwnExercise, ...] = ()


def _specified(message: str, said: set[str]) -> set[str]:
    """The variant words the person said ("front squat", "dumbbell"...): their exercise must have
    them. "Back" and "front" count only before the lift ("my front knee" is not a front squat)."""
    variants = said & VARIANTS
    text = safety.normalise(message)
    for word, pattern in IN_CONTEXT_VARIANTS.items():
        if word in said and re.search(pattern, text):
            variants.add(word)
    return variants


@lru_cache(maxsize=4096)
def _variant_words(exercise_id: str) -> frozenset[str]:
    """The words an exercise answers to as variants: its name and id, and its equipment
    ("dumbbells" for walking lunges done with them)."""
    found = catalogue.find_exercise(exercise_id)
    kit = {word for item in (found.equipment if found else ()) for word in singular_words(item, plain=True)}
    return _index_tokens(exercise_id) | frozenset(kit)


def _dominates(top: OwnExercise, rival: OwnExercise, same_movement: bool) -> bool:
    ratio = DOMINANT_RATIO if same_movement else DOMINANT_RATIO_OTHER_MOVEMENT
    return top.sessions >= ratio * max(1, rival.sessions)


def resolve_exercise(message: str, own: OwnExercises, equipment: Iterable[str] = ("bodyweight",),
                     injuries: Iterable[str] = (), level: str = "advanced") -> Resolution:
    """The exercise `message` names, the person's own first (see the module docstring)."""
    said = _message_tokens(message)
    if not said:
        return Resolution()
    scored = _scored(said)
    if not scored:
        return Resolution()
    best = max(s.score for s in scored)
    specified = _specified(message, said)
    eligible = [s for s in scored if own.get(s.exercise.id) is not None
                and s.score >= best - OWN_MARGIN and specified <= _variant_words(s.exercise.id)]
    logged = [s for s in eligible if own.by_id[s.exercise.id].logged]
    pool = logged or eligible
    if not pool:
        return Resolution(find_exercise_mentioned(message, (), equipment, injuries, level))
    pool.sort(key=lambda s: (s.missing_keys, -int(s.whole_id), own.by_id[s.exercise.id].usage()))
    top = pool[0]
    mine = own.by_id[top.exercise.id]
    undecided: list[OwnExercise] = []  # the same words, and neither used far more
    by_use = sorted(pool[1:], key=lambda s: (-own.by_id[s.exercise.id].sessions, len(s.exercise.name)))
    for other in by_use:
        if other.matched == top.matched and other.missing_keys == top.missing_keys and not other.whole_id and \
                not _dominates(mine, own.by_id[other.exercise.id], other.exercise.pattern == top.exercise.pattern):
            undecided.append(own.by_id[other.exercise.id])
    if undecided and not top.whole_id:
        return Resolution(choices=(mine, *undecided[:2]))
    return Resolution(Mention(top.exercise, True), mine)


PARTS = re.compile(r"\b(?:and|vs|versus|or|plus|then)\b|,|&")


def resolve_each(message: str, own: OwnExercises, equipment: Iterable[str] = ("bodyweight",),
                 injuries: Iterable[str] = (), level: str = "advanced") -> list[str]:
    """Every exercise a message names, in the order it names them ("RDLs and deadlifts"):
    each part between "and", "or", "vs" and commas resolved on its own; [] for fewer than two."""
    parts = [part for part in PARTS.split(safety.normalise(message)) if part.strip()]
    if len(parts) < 2:
        return []
    found: list[str] = []
    for part in parts:
        resolution = resolve_exercise(part, own, equipment, injuries, level)
        if resolution.mention is not None and resolution.mention.strong \
                and resolution.mention.exercise.id not in found:
            found.append(resolution.mention.exercise.id)
    return found if len(found) >= 2 else []
