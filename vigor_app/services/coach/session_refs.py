"""Which logged sessions a message to the coach speaks of: "yesterday's workout", "my last leg
day", "this week", "Monday's session", "my last run", "3 days ago".

`read_reference(message)` finds the words (a `Reference`: a day, a span of days, or the newest
session of a kind); `find_sessions(user_id, reference, context)` reads the finished sessions
it means from the person's log, in their own time zone (each session's local date, as
``streaks`` counts days), newest first. Weeks start on Monday, as the dashboard's do.

The kinds of day: a session is a leg (or upper, push, pull, chest, back, arm, shoulder, core)
day when its name says so ("Lower A", "Push") or when at least a third of its counted sets
work those muscles (the catalogue's primary muscles); a run is a session that logged a
distance exercise, cardio one with conditioning work.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach import fact_queries
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.facts import SessionDone
from vigor_app.services.safety import messages as safety
from vigor_app.services.training import streaks

LOOK_BACK_DAYS = 180  # "my last leg day" is looked for this far back
KIND_SHARE = 1 / 3  # share of a session's sets that makes it a day of that kind

WEEKDAY_WORDS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
                 "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
                 "sunday": 6, "sun": 6}
NUMBER_WORDS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "ten": 10, "fourteen": 14}
# Kinds of day: the words that name one, the words a session's name may carry, its muscles.
LEGS = frozenset({"quads", "hamstrings", "glutes", "adductors", "calves", "hip_flexors"})
UPPER = frozenset({"chest", "back", "lats", "shoulders", "biceps", "triceps", "forearms"})
DAY_KINDS: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {
    "leg": (r"legs?|lower(?: body)?|squat", ("leg", "lower"), LEGS),
    "upper": (r"upper(?: body)?", ("upper",), UPPER),
    "push": (r"push", ("push",), frozenset({"chest", "shoulders", "triceps"})),
    "pull": (r"pull", ("pull",), frozenset({"back", "lats", "biceps"})),
    "chest": (r"chest", ("chest",), frozenset({"chest"})),
    "back": (r"back", ("back",), frozenset({"back", "lats"})),
    "arm": (r"arms?", ("arm",), frozenset({"biceps", "triceps", "forearms"})),
    "shoulder": (r"shoulders?", ("shoulder",), frozenset({"shoulders"})),
    "core": (r"core|abs?", ("core", "abs"), frozenset({"core"})),
    "full": (r"full body", ("full body",), LEGS | UPPER),
}
_DAY_KIND = "|".join(f"(?P<{kind}>{words})" for kind, (words, _, _) in DAY_KINDS.items())
_SESSION = r"(?:day|days|session|sessions|workout|workouts|training|lift|lifting|gym)"
_LAST = r"(?:last|latest|previous|most recent|recent|prior)"


@dataclass(frozen=True)
class Reference:
    """The sessions a message points at: the days from `first` to `last` (local), or, with
    ``newest``, the newest session (of the `kind` of day, or a ``run``) up to today."""

    words: str  # how to say it back: "yesterday", "your last leg day", "this week"
    first: date | None = None
    last: date | None = None
    newest: bool = False
    kind: str | None = None  # a DAY_KINDS key, "run" or "cardio"

    @property
    def span(self) -> bool:
        return self.first is not None and self.first != self.last


def _count(word: str) -> int:
    return NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else 0)


# How people shorten the words a reference is made of.
SHORT_WORDS = {"wk": "week", "wks": "weeks", "sesh": "session", "seshs": "sessions", "yday": "yesterday",
               "yest": "yesterday", "yesterdays": "yesterday", "2day": "today", "wrkout": "workout",
               "wokout": "workout", "workot": "workout"}
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _words(message: str) -> str:
    words = []
    for word in safety.normalise(message).split():
        word = SHORT_WORDS.get(word, word)
        if len(word) >= 5 and word not in WEEKDAY_WORDS and word.rstrip("s") not in WEEKDAY_WORDS:
            close = difflib.get_close_matches(word, DAY_NAMES, n=1, cutoff=0.8)
            word = close[0] if close else word
        words.append(word)
    return " ".join(words)


def read_reference(message: str, today: date) -> Reference | None:
    """The sessions `message` speaks of, counted from `today` (the person's local date)."""
    text = _words(message)
    monday = streaks.week_start(today)
    if re.search(r"\bday before yesterday\b", text):
        day = today - timedelta(days=2)
        return Reference("the day before yesterday", day, day)
    if re.search(r"\byesterday|\blast night\b", text):
        day = today - timedelta(days=1)
        return Reference("yesterday", day, day)
    ago = re.search(r"\b(\d+|a|one|two|three|four|five|six|seven|ten|fourteen) days? ago\b", text)
    if ago and _count(ago.group(1)):
        day = today - timedelta(days=_count(ago.group(1)))
        return Reference(f"{_count(ago.group(1))} days ago", day, day)
    if re.search(r"\bthis week\b|\bso far this week\b|\bthis weeks\b", text):
        return Reference("this week", monday, today)
    if re.search(r"\b(?:last|previous|past) weeks?\b(?! (?:ago|before))", text) and \
            not re.search(r"\b(?:last|past) weeks (?:of|worth)\b", text):
        if re.search(r"\bpast week\b", text):
            return Reference("the past seven days", today - timedelta(days=6), today)
        return Reference("last week", monday - timedelta(days=7), monday - timedelta(days=1))
    span = re.search(r"\b(?:last|past) (\d+|two|three|four|five|six|seven|ten|fourteen) days\b", text)
    if span and _count(span.group(1)):
        days = min(_count(span.group(1)), LOOK_BACK_DAYS)
        return Reference(f"the last {days} days", today - timedelta(days=days - 1), today)
    runs = re.search(rf"\b{_LAST}? ?(?:run|runs|jog|running session|5k|10k)\b", text)
    if runs and re.search(rf"\b{_LAST} (?:run|jog|running session|5k|10k)\b|\bhow did my (?:run|jog)\b", text):
        return Reference("your last run", newest=True, kind="run")
    kind = re.search(rf"\b(?:{_LAST} |my )?(?:{_DAY_KIND}) {_SESSION}\b", text)
    if kind and (kind.group(0).startswith(("last", "latest", "previous", "most", "recent", "prior", "my"))
                 or re.search(r"\b(?:how did|how was|what did i)\b", text)):
        found = next(k for k, v in kind.groupdict().items() if v)
        return Reference(f"your last {found if found != 'full' else 'full-body'} day", newest=True, kind=found)
    weekday = re.search(r"\b(?:on |last |this )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                        r"mon|tues|tue|wed|thurs|thu|fri|sat|sun)s?\b(?! (?:next|coming))", text)
    if weekday and (re.search(rf"\b{weekday.group(1)}s? {_SESSION}\b", text)
                    or re.search(r"\b(?:on|last) " + weekday.group(1), text)
                    or re.search(rf"\b(?:how did|how was|what did i do) {weekday.group(1)}s?\b", text)):
        back = (today.weekday() - WEEKDAY_WORDS[weekday.group(1)]) % 7 or 7
        day = today - timedelta(days=back)
        return Reference(day.strftime("%A"), day, day)
    if re.search(rf"\b{_LAST} (?:workout|session|training|time|lift|gym session|gym visit|day)\b|"
                 r"\blast time i (?:trained|lifted|worked out|went|was at the gym|did)\b", text):
        return Reference("your last workout", newest=True)
    if re.search(r"\btodays (?:workout|session|training)\b|\b(?:workout|session|training) today\b", text):
        return Reference("today", today, today)
    return None


def _muscles(exercise_id: str) -> frozenset[str]:
    found = catalogue.find_exercise(exercise_id)
    return frozenset(found.primary_muscles) if found else frozenset()


def is_kind(session: SessionDone, kind: str) -> bool:
    """Whether `session` is a day of `kind` (see the module docstring)."""
    if kind in ("run", "cardio"):
        for done in session.exercises:
            found = catalogue.find_exercise(done.exercise_id)
            if found is not None and ("distance" in found.tags if kind == "run" else
                                      found.pattern == "conditioning"):
                return True
        return False
    _, names, muscles = DAY_KINDS[kind]
    name = safety.normalise(session.name)
    if any(re.search(rf"\b{word}", name) for word in names):
        return True
    total = sum(e.sets for e in session.exercises)
    hits = sum(e.sets for e in session.exercises if _muscles(e.exercise_id) & muscles)
    return total > 0 and hits / total >= KIND_SHARE


def find_sessions(user_id: int, reference: Reference, context: CoachContext,
                  exercise_id: str | None = None) -> list[SessionDone]:
    """The finished sessions `reference` means, newest first; with `exercise_id`, only those
    that logged it (the newest such one for "last time")."""
    today = date.fromisoformat(context.today)
    first = reference.first or today - timedelta(days=LOOK_BACK_DAYS - 1)
    days = (today - first).days + 1
    sessions = fact_queries.recent_sessions(user_id, today, context.timezone, context.now, days=days)
    last = (reference.last or today).isoformat()
    found = [s for s in sessions if first.isoformat() <= s.day <= last]
    if exercise_id is not None:
        found = [s for s in found if any(e.exercise_id == exercise_id for e in s.exercises)]
    if reference.kind is not None:
        found = [s for s in found if is_kind(s, reference.kind)]
    return found[:1] if reference.newest else found
