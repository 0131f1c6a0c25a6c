"""Finding exercises by what a person types: forgiving of spaces, hyphens, plurals, gym
shorthand and small typos, best match first. The library, the log page's "add an exercise"
and the custom-exercise search all rank with ``rank``.

A name matches a query (``match_quality``, lower is better), reading both as singular words
with shorthand spelt out (``words.expand_shorthand``: "RDL", "OHP", "DB", "pullups"); the
query is tried as typed too, so "bench" still finds a bench dip:

0. every word typed is a word of the name ("bench press", "pull up", "squats");
1. every word typed begins a word of the name ("rom dead", "run" for running);
2. what was typed, without spaces, is part of the name without spaces ("pullup", "benchpres",
   "ench"; "run" inside crunch comes after running);
3. every word typed is a word of the name or close to one (difflib ratio >= ``TYPO_CUTOFF``,
   words of ``TYPO_MIN_LENGTH`` letters or more): "bnech press", "dedlift".

Among equal matches, strength work comes before conditioning and mobility drills, loaded
before unloaded (barbell first), the name with the fewest words left unsaid ("pull up": the
pull-up before the scapular pull-up), the lift done across the widest rep range before its
narrower variations, the easier before the harder, then the shorter name: "squat" lists a barbell back squat before a
box squat, a pause squat and a squat jump.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from vigor_app.services.catalogue.words import expand_shorthand, singular_words

TYPO_CUTOFF = 0.8
TYPO_MIN_LENGTH = 4
MAX_QUERY_LENGTH = 80
LATE_PATTERNS = frozenset({"conditioning", "mobility"})
LOAD_ORDER = {"barbell": 0, "dumbbells": 1, "kettlebells": 1, "cable_machine": 1, "machines": 1}

T = TypeVar("T")


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(singular_words(text))


def _readings(query: str) -> list[tuple[str, ...]]:
    """The query's words as typed and with shorthand spelt out (both, when they differ)."""
    typed = _words(query[:MAX_QUERY_LENGTH])
    expanded = _words(expand_shorthand(query[:MAX_QUERY_LENGTH]))
    return [typed] if expanded == typed else [expanded, typed]


def _close(word: str, candidates: Iterable[str]) -> bool:
    if len(word) < TYPO_MIN_LENGTH:
        return False
    return bool(difflib.get_close_matches(word, list(candidates), n=1, cutoff=TYPO_CUTOFF))


def _quality(typed: tuple[str, ...], name: tuple[str, ...]) -> int | None:
    if not typed or not name:
        return None
    if all(word in name for word in typed):
        return 0
    if all(any(n.startswith(w) for n in name) for w in typed):
        return 1
    if "".join(typed) in "".join(name):
        return 2
    if all(word in name or _close(word, name) for word in typed):
        return 3
    return None


def match_quality(query: str, name: str) -> int | None:
    """How well ``name`` matches what was typed (see the module docstring); None: not at all."""
    found = _best(query, name)
    return found[0] if found else None


def _best(query: str, name: str) -> tuple[int, int] | None:
    """(match quality, words of the name the query leaves out) for the best reading."""
    words = _words(name)
    found = [(q, len(set(words) - set(reading))) for reading in _readings(query)
             if (q := _quality(reading, words)) is not None]
    return min(found) if found else None


def rank(query: str, items: Iterable[T], name: Callable[[T], str],
         order: Callable[[T], tuple[int, ...]] = lambda _: ()) -> list[T]:
    """The items whose name matches ``query``, best first: match quality, then the first two
    places of ``order`` (strength before drills, loaded before unloaded), then the fewest words
    of the name left unsaid ("Pull-up" before "Scapular pull-up"), then the rest of ``order``,
    then the shorter name, then the name."""
    if not query.strip():
        return []
    scored = []
    for item in items:
        found = _best(query, name(item))
        if found is not None:
            place = order(item)
            scored.append(((found[0], *place[:2], found[1], *place[2:], len(name(item)), name(item).casefold()),
                           item))
    scored.sort(key=lambda pair: pair[0])
    return [item for _, item in scored]


def exercise_order(pattern: str, equipment: Iterable[str], rep_range: tuple[int, int] | None = None,
                   difficulty: int = 0) -> tuple[int, int, int, int]:
    """Strength work before conditioning and mobility; loaded (barbell first) before unloaded;
    the lift done across the widest rep range before its narrower variations (a back squat,
    3-10, before a box squat, 3-8); then the easier one."""
    loads = [LOAD_ORDER[e] for e in equipment if e in LOAD_ORDER]
    width = rep_range[1] - rep_range[0] if rep_range else 0
    return (int(pattern in LATE_PATTERNS), min(loads) if loads else 2, -width, difficulty)
