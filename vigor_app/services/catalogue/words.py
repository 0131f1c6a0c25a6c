"""The words of an exercise name or a message, for matching text against the catalogue.

`split_words` cuts text into case-folded words of letters and digits (apostrophes dropped,
"&" read as "and"); `singular` takes a word's plural off; `expand_shorthand` spells out gym
shorthand ("RDL", "OHP", "DB", "pullups") for the coach, the exercise search and the importer. The importer's name matching
(`exercise_names`) and the coach's exercise finder (`coach.exercise_mentions`) both read
names this way.

They singularise differently, on purpose: the importer's full rule also turns "crunches"
into "crunch", "calves" into "calf" and three-letter plurals ("ups") into their singular,
and keeps words in -us and -is; the coach's ``plain`` rule drops only "-es" of "-sses" and
a plain "-s" of words longer than three letters. The catalogue's own words come out the
same under both; a message's do not ("calves", "boxes", "reaches"), and the coach's finder
scores, stopwords and typo matching were tuned on the plain rule.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_WORD = re.compile(r"[^0-9a-z]+")
IRREGULAR_PLURALS = {"calves": "calf"}
ES_PLURALS = ("sses", "ches", "shes", "xes")  # the full rule drops their "es"
NOT_PLURALS = ("ss", "us", "is")  # the full rule keeps a final "s" after these


def split_words(text: str) -> list[str]:
    """"Farmer's Walk (DB)" -> ["farmers", "walk", "db"]; "Rock & Roll" -> [..., "and", ...]."""
    text = text.casefold().replace("'", "").replace("\u2019", "").replace("&", " and ")
    return _NOT_WORD.sub(" ", text).split()


def singular(word: str, *, plain: bool = False) -> str:
    """A case-folded word without its plural: "squats" -> "squat", "presses" -> "press".

    ``plain`` is the coach's rule (see the module docstring): "crunches" -> "crunche",
    "ups" -> "ups", "calves" -> "calve", where the full rule gives "crunch", "up", "calf".
    """
    es_plurals: tuple[str, ...]
    not_plurals: tuple[str, ...]
    if plain:
        es_plurals, shortest, not_plurals = ("sses",), 4, ("ss",)
    else:
        if word in IRREGULAR_PLURALS:
            return IRREGULAR_PLURALS[word]
        es_plurals, shortest, not_plurals = ES_PLURALS, 3, NOT_PLURALS
    if len(word) > 4 and word.endswith(es_plurals):
        return word[:-2]
    if len(word) >= shortest and word.endswith("s") and not word.endswith(not_plurals):
        return word[:-1]
    return word


def singular_words(text: str, *, plain: bool = False) -> list[str]:
    """The words of `text`, each singular (`split_words`, then `singular`)."""
    return [singular(word, plain=plain) for word in split_words(text)]


# Gym shorthand and run-together spellings, rewritten before matching (``expand_shorthand``).
SHORTHAND: tuple[tuple[str, str], ...] = (
    (r"\brdls?\b", "romanian deadlift"), (r"\bsldls?\b", "romanian deadlift"),
    (r"\bohp\b", "overhead press"), (r"\bmilitary press\b", "overhead press"),
    (r"\bdb\b", "dumbbell"), (r"\bbb\b", "barbell"), (r"\bkb\b", "kettlebell"),
    (r"\bdls?\b", "deadlift"), (r"\bpushups?\b", "push up"), (r"\bpullups?\b", "pull up"),
    (r"\bchinups?\b", "chin up"), (r"\bsitups?\b", "sit up"), (r"\bpulldowns?\b", "pulldown"),
    (r"\bpull downs?\b", "pulldown"), (r"\bskullcrushers?\b", "skull crusher"),
    (r"\bhip thrusters?\b", "hip thrust"), (r"\bflies\b|\bflyes\b", "fly"),
    (r"\bbench pressing\b|\bbenching\b", "bench press"), (r"\bsquatting\b", "squat"),
    (r"\bdeadlifting\b", "deadlift"),
    (r"\bbench\b(?! (?:press|dip|step|hip|thoracic|jump))", "bench press"), (r"\blunging\b", "lunge"), (r"\browing\b", "row"),
)


@lru_cache(maxsize=1)
def _shorthand() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), replacement) for pattern, replacement in SHORTHAND)


def expand_shorthand(text: str) -> str:
    """Case-folded `text` with gym shorthand spelt out: "RDL" -> "romanian deadlift", "OHP" ->
    "overhead press", "DB" -> "dumbbell", "pullups" -> "pull up". The coach's exercise finder,
    the exercise search and the importer's name matching all read names through it."""
    text = text.casefold()
    for pattern, replacement in _shorthand():
        text = pattern.sub(replacement, text)
    return text
