"""The built-in coach: answers from the person's own data and the catalogue, with no network.

It answers when no AI provider is configured, when the person is over their quota, or when
every provider is down; the gateway calls it last. `answer(user_id, message, now)` returns
Markdown.

1. **Safety first.** `safety.screen` reads the message; a ``medical`` or ``harmful`` verdict
   is the whole answer.
2. **Intent.** `intent_scores` adds up weighted regular expressions per intent over the
   normalised message (``safety.normalise``: case-folded, apostrophes dropped, punctuation
   as spaces). An exercise named in the message adds `MENTION_BONUS` to ``technique`` (2 in
   a short message of at most `SHORT_MESSAGE_WORDS` words, else 1, so "bench press?" asks
   for technique and "my legs are sore after squats" does not). The highest score wins, ties
   go to the first in `TIE_ORDER`; below `MIN_SCORE` the answer is "I can't answer that yet".

   ================  ==========================================================================
   intent            signals (weight)
   ================  ==========================================================================
   ``today``         today / tonight (2), "what should I train/do" (2), "next workout",
                     "my session" (2), "what's next", "on the plan" (3), rest day (1)
   ``progress``      progress (3), records / PRs / personal best (3), "how am I doing" (3),
                     stronger / improve / gains (2), stats / trend / volume / streak (2)
   ``technique``     "how do I do / perform" (3), form / technique / cue / tips (3),
                     instead of / alternative / substitute / swap (3), "how do I" (1),
                     muscles / works (1), explain / teach me (1), a named exercise (1-2)
   ``effort``        RPE / RIR / reps in reserve (5), "how heavy / how much weight" (4),
                     "what weight", "pick a weight", "starting weight" (4), heavier/lighter (2)
   ``comeback``      "after a (long) break / time off" (4), "haven't trained", "missed weeks",
                     "been sick / away" (4), come back / return / restart / start again (3)
   ``motivation``    motivat* (4), encourage / pep talk (4), "don't feel like" (3),
                     lazy / unmotivated / give up (3)
   ``help``          "what can you do", help, "who are you" (2), a bare greeting (2)
   ================  ==========================================================================

3. **The answer** comes from `context.build_context` (profile, plan, today's plan day,
   the last 14 days, streaks, records) and, per intent, `progress.strength_series`,
   `progress.weekly_volume_by_muscle`, `suggestions.next_targets` and the catalogue
   (`find_exercise_mentioned`, `catalogue.substitutes`).

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

Answers are deterministic: no randomness, only the data, the message and the date.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from vigor_app.clock import utcnow
from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach import motivation
from vigor_app.services.coach.context import (
    CoachContext,
    build_context,
    day_text,
    record_previous_text,
    record_value_text,
    set_text,
    words,
)
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.safety import messages as safety
from vigor_app.services.training import progress, suggestions
from vigor_app.services.units import LB, from_kg, mass_text, to_kg, weight_text
from vigor_app.services.vocabulary import LEVEL_RANK

TODAY = "today"
PROGRESS = "progress"
TECHNIQUE = "technique"
EFFORT = "effort"
COMEBACK = "comeback"
MOTIVATION = "motivation"
HELP = "help"
UNKNOWN = "unknown"
INTENTS = (TODAY, PROGRESS, TECHNIQUE, EFFORT, COMEBACK, MOTIVATION, HELP)
TIE_ORDER = (COMEBACK, EFFORT, PROGRESS, TODAY, MOTIVATION, TECHNIQUE, HELP)
MIN_SCORE = 2
MENTION_BONUS = 2
SHORT_MESSAGE_WORDS = 5
DEFAULT_RPE = 8.0
DEFAULT_REPS = "8-12"
VOLUME_WEEKS = 4  # weekly volume: the last 4 full weeks against the 4 before them
COMEBACK_SHORT_DAYS = 7  # fewer days off than this is not a break
KG_STEP = 2.5
LB_STEP = 5.0


# --- intents ------------------------------------------------------------------------------------

def _signals(*pairs: tuple[str, int]) -> tuple[tuple[re.Pattern[str], int], ...]:
    return tuple((re.compile(pattern), weight) for pattern, weight in pairs)


SIGNALS: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {
    TODAY: _signals(
        (r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b", 2),
        (r"\bwhat (?:should|do|shall|can|will) i (?:train|do|work on|lift|hit)\b", 2),
        (r"\b(?:next|todays|my|this weeks) (?:workout|session|training day|day)\b", 2),
        (r"\bwhats (?:next|on|up next|the plan)\b|\bon the (?:plan|schedule|menu)\b", 3),
        (r"\b(?:rest day|day off)\b", 1),
    ),
    PROGRESS: _signals(
        (r"\bprogress\w*\b", 3),
        (r"\b(?:records?|prs?|pbs?|personal (?:bests?|records?))\b", 3),
        (r"\bhow am i doing\b|\bhow (?:is|s) my (?:training|progress)\b|\bam i on track\b", 3),
        (r"\b(?:improv\w*|stronger|gains?|getting better)\b", 2),
        (r"\b(?:stats|statistics|trends?|volume|streaks?)\b", 2),
        (r"\b(?:plateau\w*|stalled|stuck)\b", 1),
    ),
    TECHNIQUE: _signals(
        (r"\bhow (?:do|should|can|would) (?:i|you) (?:do|perform|execute)\b|\bhow to (?:do|perform)\b", 3),
        (r"\b(?:form|technique|cues?|properly|proper|correctly|tips?)\b", 3),
        (r"\b(?:instead of|alternatives?|substitutes?|substitution|swap|replace|replacement)\b", 3),
        (r"\bhow (?:do|should|can) (?:i|you)\b|\bhow to\b", 1),
        (r"\b(?:muscles?|works?|targets?)\b", 1),
        (r"\b(?:explain|teach me|show me)\b", 1),
    ),
    EFFORT: _signals(
        (r"\brpe\b|\brir\b|\breps? in (?:reserve|the tank)\b|\bperceived exertion\b", 5),
        (r"\bhow (?:heavy|much weight|much should i (?:lift|use|put)|hard should)\b", 4),
        (r"\b(?:what|which) (?:weight|load)\b|\b(?:pick|choose|select|use|start with) (?:a |the |my |what )?"
         r"(?:weight|load)\b|\bstarting weight\b", 4),
        (r"\b(?:too heavy|too light|go heavier|go lighter|add weight)\b", 2),
        (r"\b(?:effort|intensity)\b", 1),
    ),
    COMEBACK: _signals(
        (r"\b(?:after|from|long|longer|extended|months?|weeks?|years?|summer|holiday|christmas)\b"
         r"(?: \w+){0,2} (?:break|time off|hiatus|layoff|lay off)\b", 4),
        (r"\bhavent (?:trained|been|lifted|worked out|exercised|gone)\b|\bmissed (?:a |\w+ )?"
         r"(?:weeks?|months?)\b|\bbeen (?:away|sick|ill|injured|off|travelling|traveling)\b|"
         r"\bfell off\b|\bout of (?:the gym|training|practice)\b", 4),
        (r"\b(?:took|taken|taking|had|on) (?:a |some )?(?:\w+ )?(?:break|time off|hiatus)\b"
         r"(?! between)", 3),
        (r"\b(?:come|coming|get|getting|go|going) back\b|\breturn\w*\b|\brestart\w*\b|"
         r"\bstart(?:ing)? (?:again|over)\b|\bback (?:into|to) (?:it|training|the gym|lifting)\b", 3),
        (r"\b(?:vacation|holidays?|sick|illness)\b", 1),
    ),
    MOTIVATION: _signals(
        (r"\bmotivat\w*\b", 4),
        (r"\b(?:encourage\w*|inspire\w*|pep talk|cheer me|hype me)\b", 4),
        (r"\b(?:dont|do not) (?:feel like|want to)\b|\bcant be bothered\b|\bno energy\b", 3),
        (r"\b(?:lazy|unmotivated|discouraged|demotivated|give up|giving up|quit|quitting|"
         r"burnt out|burned out)\b", 3),
    ),
    HELP: _signals(
        (r"\bwhat can you (?:do|help)\b|\bwhat do you do\b|\bhelp\b|\bwho are you\b|"
         r"\bhow does this work\b", 2),
        (r"^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening))(?: there| coach)?$", 2),
    ),
}


def intent_scores(message: str, mentioned: bool = False) -> dict[str, int]:
    """The score of every intent for `message` (`mentioned`: an exercise is named in it)."""
    text = safety.normalise(message)
    scores = {intent: sum(weight for pattern, weight in SIGNALS[intent] if pattern.search(text))
              for intent in INTENTS}
    if mentioned:
        short = len(text.split()) <= SHORT_MESSAGE_WORDS
        scores[TECHNIQUE] += MENTION_BONUS if short else MENTION_BONUS - 1
    return scores


def detect_intent(message: str, mentioned: bool = False) -> str:
    """The intent `answer` replies to, or ``unknown``."""
    scores = intent_scores(message, mentioned)
    best = max(TIE_ORDER, key=lambda intent: (scores[intent], -TIE_ORDER.index(intent)))
    return best if scores[best] >= MIN_SCORE else UNKNOWN


# --- finding the exercise a message names -------------------------------------------------------

# Shorthand and run-together spellings, rewritten before matching.
ALIASES: tuple[tuple[str, str], ...] = (
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
_WORD = re.compile(r"[a-z0-9]+")


def _stem(token: str) -> str:
    if len(token) > 4 and token.endswith("sses"):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _tokens(text: str) -> list[str]:
    return [_stem(t) for t in _WORD.findall(text.casefold().replace("-", " "))
            if _stem(t) not in STOPWORDS]


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
    text = safety.normalise(message)
    for pattern, replacement in ALIASES:
        text = re.sub(pattern, replacement, text)
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


# --- shared wording ------------------------------------------------------------------------------

EXAMPLES = (
    ("What to train today", "What should I train today?"),
    ("How you're progressing", "How am I progressing?"),
    ("How to do an exercise", "How do I do a {exercise}?"),
    ("RPE and picking a weight", "What weight should I use for {exercise}?"),
    ("Coming back after a break", "I haven't trained for three weeks - how do I restart?"),
    ("A push when you need one", "Motivate me."),
)


def _example_exercise(context: CoachContext) -> str:
    if context.today_plan and context.today_plan.exercises:
        return context.today_plan.exercises[0].name.lower()
    for session in context.recent_sessions:
        if session.exercises:
            return session.exercises[0].name.lower()
    return "goblet squat"


def _capabilities(context: CoachContext) -> str:
    example = _example_exercise(context)
    return "\n".join(f"- **{what}** - \"{ask.format(exercise=example)}\"" for what, ask in EXAMPLES)


def _getting_started(context: CoachContext) -> str:
    steps = []
    if not context.profile.onboarded:
        steps.append("**Set up your profile** on the Profile page: level, goals, equipment, "
                     "injuries and how many days a week you can train.")
    if context.plan is None:
        steps.append("**Generate a plan** on the Workouts page - it's built for your equipment "
                     "and schedule.")
    steps.append("**Log your first session** on the Log page. After that I can tell you what "
                 "to train, how you're progressing and what weight to pick.")
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))


def _new_person(context: CoachContext, about: str) -> str:
    return (f"You haven't logged a workout yet, so I have no training of yours to {about} "
            f"from.\n\nTo get started:\n{_getting_started(context)}")


def _round_load(weight_kg: float, units: str) -> float:
    """Round a load to what a gym can load: 2.5 kg, or 5 lb."""
    if units == LB:
        return to_kg(round(from_kg(weight_kg, LB) / LB_STEP) * LB_STEP, LB)
    return round(weight_kg / KG_STEP) * KG_STEP


def _target_for(context: CoachContext, exercise: catalogue.Exercise) -> tuple[str, float | None, int | None]:
    """(reps, rpe, sets) for an exercise: the plan's prescription, else the catalogue's range."""
    planned = context.planned(exercise.id)
    if planned is not None and parse_reps(planned.reps) is not None:
        return planned.reps, planned.rpe, planned.sets
    if exercise.timed and exercise.seconds_range:
        return f"{exercise.seconds_range[0]}s", DEFAULT_RPE, None
    if exercise.rep_range:
        low, high = exercise.rep_range
        return (f"{low}-{high}" if high != low else str(low)), DEFAULT_RPE, None
    return DEFAULT_REPS, DEFAULT_RPE, None


def _suggest(user_id: int, exercise_id: str, reps: str,
             rpe: float | None) -> suggestions.Suggestion | None:
    try:
        return suggestions.next_targets(user_id, exercise_id, reps, rpe)
    except ValidationError:
        try:
            return suggestions.next_targets(user_id, exercise_id, DEFAULT_REPS)
        except ValidationError:
            return None


def _last_text(suggestion: suggestions.Suggestion, units: str) -> str:
    """"100 kg × 5, 5, 4 on Mon 16 Nov" from what next_targets read."""
    amounts = ", ".join(str(a) for a in suggestion.last_sets)
    load = f"{weight_text(suggestion.last_weight_kg, units)} × {amounts}" \
        if suggestion.last_weight_kg else f"{amounts} reps" if amounts else "logged"
    if suggestion.reps.endswith("s") and not suggestion.last_weight_kg:
        load = ", ".join(f"{a} s" for a in suggestion.last_sets)
    when = f" on {day_text(suggestion.last_trained_at.date().isoformat())}" \
        if suggestion.last_trained_at else ""
    return load + when


def _preferred(context: CoachContext, logged: Sequence[progress.ExerciseOption]) -> set[str]:
    ids = {o.exercise_id for o in logged}
    if context.plan is not None:
        ids |= {e.exercise_id for d in context.plan.days for e in d.exercises}
    return ids


def _mention(context: CoachContext, message: str,
             logged: Sequence[progress.ExerciseOption]) -> Mention | None:
    p = context.profile
    return find_exercise_mentioned(message, _preferred(context, logged), p.equipment, p.injuries,
                                   p.fitness_level)


# --- the intents ---------------------------------------------------------------------------------


def _today(user_id: int, context: CoachContext) -> str:
    out: list[str] = []
    if context.open_session_name:
        out.append(f"You have a session in progress: **{context.open_session_name}**. Finish it "
                   "on the Log page before starting another.")
    if context.plan is None:
        if context.is_new:
            return _new_person(context, "plan today's session")
        out.append("You don't have an active plan, so nothing is scheduled for today.")
        last = context.recent_sessions[0] if context.recent_sessions else None
        if last is not None:
            done = ", ".join(f"{e.name} ({e.top_set_text(context.units)})" for e in last.exercises)
            out.append(f"Your last session was **{last.name}** on {day_text(last.day)}: {done}. "
                       "Repeating it with the suggested targets is a sound choice.")
        out.append("**Generate a plan** on the Workouts page and I'll tell you each day's "
                   "session with sets, reps and weights.")
        return "\n\n".join(out)
    plan = context.plan
    if context.week_complete:
        first = plan.days[0].name if plan.days else "your plan"
        out.append(f"Every day of **{plan.name}** is done this week ({context.week_sessions} of "
                   f"{context.week_target} sessions) - **today is a rest day.** A walk or "
                   f"some light mobility work helps you recover. Next week starts with {first}.")
        return "\n\n".join(out)
    today = context.today_plan
    if today is None:
        out.append(f"**{plan.name}** has no training days yet - regenerate it on the Workouts page.")
        return "\n\n".join(out)
    if today.done:
        out.append(f"You've already done **{today.name}** today - nice work. Rest and refuel; "
                   f"this week stands at {context.week_sessions} of {context.week_target} sessions.")
        return "\n\n".join(out)
    focus = f" ({today.focus})" if today.focus else ""
    minutes = f", about {today.estimated_minutes} minutes" if today.estimated_minutes else ""
    if today.scheduled:
        out.append(f"Today is **{today.name}**{focus} from {today.plan_name}{minutes}:")
    elif context.rest_day:
        out.append(f"**Today is a rest day** in {today.plan_name} - recovery is part of training. "
                   f"If you feel fresh and want to catch up, the next session up is "
                   f"**{today.name}**{focus}{minutes}:")
    else:
        out.append(f"Next up in {today.plan_name}: **{today.name}**{focus}{minutes}:")
    lines = []
    for item in today.exercises:
        rpe = f" at RPE {item.rpe:g}" if item.rpe else ""
        line = f"- **{item.name}**: {item.prescription()}{rpe}"
        suggestion = _suggest(user_id, item.exercise_id, item.reps, item.rpe)
        if suggestion is not None and suggestion.action != "start":
            target = (f"{weight_text(suggestion.weight_kg, context.units)} × {suggestion.reps}"
                      if suggestion.weight_kg else suggestion.reps)
            line += f" - last time {_last_text(suggestion, context.units)}; today aim for {target}"
        elif suggestion is not None:
            line += " - new in your log: start light and log how it felt"
        lines.append(line)
    out.append("\n".join(lines) or "- (no exercises in this day)")
    if context.recent_sessions:
        recent = "; ".join(f"{s.name} on {day_text(s.day)} ({s.sets} sets)"
                           for s in context.recent_sessions[:3])
        out.append(f"Recently logged: {recent}. This week: {context.week_sessions} of "
                   f"{context.week_target} sessions.")
    return "\n\n".join(out)


def _progress(user_id: int, context: CoachContext,
              logged: Sequence[progress.ExerciseOption]) -> str:
    if context.is_new:
        return _new_person(context, "measure progress")
    units = context.units
    out = [f"**Where you stand:** {context.total_workouts} workout"
           f"{'' if context.total_workouts == 1 else 's'} finished; this week {context.week_sessions} "
           f"of {context.week_target} sessions; streak {context.current_streak} "
           f"day{'' if context.current_streak == 1 else 's'} (longest {context.longest_streak})."]
    if context.records:
        lines = []
        for record in context.records:
            was = record_previous_text(record.kind, record.previous, units)
            lines.append(f"- {day_text(record.achieved_on)}: **{record.exercise_name}** - "
                         f"{record_value_text(record.kind, record.value, record.reps, units)}"
                         + (f" (was {was})" if was else ""))
        out.append("**Recent records**\n" + "\n".join(lines))
    else:
        out.append("No personal records yet - they start from your second session of an exercise.")
    if logged:
        out.append(_strength_trend(user_id, logged[0], units))
    volume = _volume_trend(user_id, context)
    if volume:
        out.append(volume)
    return "\n\n".join(out)


def _strength_trend(user_id: int, option: progress.ExerciseOption, units: str) -> str:
    series = progress.strength_series(user_id, option.exercise_id)
    points = series.points
    sessions = f"{len(points)} session{'' if len(points) == 1 else 's'}"
    head = f"**{series.name}** (your most-logged exercise, {sessions})"
    if len(points) < 2:
        return f"{head}: only one session so far - log it again to see a trend."
    rated = [p for p in points if p["e1rm_kg"]]
    if len(rated) >= 2:
        first, last = rated[0], rated[-1]
        change = last["e1rm_kg"] - first["e1rm_kg"]
        percent = change / first["e1rm_kg"] * 100
        direction = "up" if change > 0.05 else "down" if change < -0.05 else "level"
        verdict = {"up": "You're getting stronger.",
                   "down": "It has dipped - normal after a lighter spell; sleep and steady "
                           "sessions bring it back.",
                   "level": "Holding steady - the next records come from small, regular steps."}
        return (f"{head}: estimated 1RM {weight_text(first['e1rm_kg'], units)} on "
                f"{day_text(first['x'])} → {weight_text(last['e1rm_kg'], units)} on "
                f"{day_text(last['x'])} ({'+' if change >= 0 else '-'}"
                f"{weight_text(abs(change), units)}, {percent:+.0f} %). {verdict[direction]}")
    reps = [p for p in points if p["max_reps"]]
    if len(reps) >= 2:
        return (f"{head}: best set {reps[0]['max_reps']} reps on {day_text(reps[0]['x'])} → "
                f"{reps[-1]['max_reps']} reps on {day_text(reps[-1]['x'])}.")
    holds = [p for p in points if p["max_seconds"]]
    if len(holds) >= 2:
        return (f"{head}: longest hold {holds[0]['max_seconds']} s on {day_text(holds[0]['x'])} → "
                f"{holds[-1]['max_seconds']} s on {day_text(holds[-1]['x'])}.")
    return f"{head}: not enough comparable sets yet to show a trend."


def _volume_trend(user_id: int, context: CoachContext) -> str:
    series = progress.weekly_volume_by_muscle(user_id, weeks=2 * VOLUME_WEEKS + 1, now=context.now)
    full = series.points[:-1]  # the current week is not over yet
    before, recent = full[:VOLUME_WEEKS], full[VOLUME_WEEKS:]
    recent_sets = sum(p["hard_sets"] for p in recent) / VOLUME_WEEKS
    before_sets = sum(p["hard_sets"] for p in before) / VOLUME_WEEKS
    if not recent_sets and not before_sets:
        return ""
    recent_tonnage = sum(p["tonnage_kg"] for p in recent) / VOLUME_WEEKS
    before_tonnage = sum(p["tonnage_kg"] for p in before) / VOLUME_WEEKS
    if before_sets:
        change = ("more than" if recent_sets > before_sets else
                  "fewer than" if recent_sets < before_sets else "the same as")
        compare = f", {change} the {round(before_sets, 1):g} a week in the {VOLUME_WEEKS} weeks before"
    else:
        compare = f" (no training in the {VOLUME_WEEKS} weeks before)"
    tonnage = ""
    if recent_tonnage and before_tonnage:
        tonnage = (f" Lifted per week: {mass_text(recent_tonnage, context.units)} against "
                   f"{mass_text(before_tonnage, context.units)}.")
    elif recent_tonnage:
        tonnage = f" Lifted per week: {mass_text(recent_tonnage, context.units)}."
    return (f"**Weekly volume:** {round(recent_sets, 1):g} hard sets a week over the last {VOLUME_WEEKS} "
            f"full weeks{compare}.{tonnage}")


def _technique(context: CoachContext, mention: Mention | None, user_id: int) -> str:
    if mention is None:
        example = _example_exercise(context)
        planned = ""
        if context.today_plan and context.today_plan.exercises:
            planned = (" From today's session: "
                       + ", ".join(e.name for e in context.today_plan.exercises) + ".")
        return (f"Which exercise do you mean? Name it - for example \"how do I do a {example}?\" - "
                f"and I'll give you the cue, the muscles it works and swaps that suit your "
                f"equipment.{planned}")
    exercise = mention.exercise
    p = context.profile
    primary = words(exercise.primary_muscles)
    secondary = f"; also {words(exercise.secondary_muscles)}" if exercise.secondary_muscles else ""
    if exercise.timed and exercise.seconds_range:
        dose = f"holds of {exercise.seconds_range[0]}-{exercise.seconds_range[1]} s"
    elif exercise.rep_range:
        dose = f"{exercise.rep_range[0]}-{exercise.rep_range[1]} reps a set"
    else:
        dose = "as prescribed"
    side = " on each side" if exercise.unilateral else ""
    out = [f"**{exercise.name}**",
           f"- **Cue:** {exercise.cue}\n- **Works:** {primary}{secondary}\n"
           f"- **Equipment:** {words(exercise.equipment)}\n- **Usual dose:** {dose}{side}"]
    reps, rpe, _ = _target_for(context, exercise)
    suggestion = _suggest(user_id, exercise.id, reps, rpe)
    if suggestion is not None and suggestion.action != "start":
        out.append(f"Your last {exercise.name.lower()}: {_last_text(suggestion, context.units)}. "
                   f"Next time: {suggestion.message}")
    notes = []
    have = set(p.equipment) | {"bodyweight"}
    missing = [e for e in exercise.equipment if e not in have]
    if missing:
        notes.append(f"Your profile doesn't list {words(missing)}, so here are swaps you can do.")
    hurt = sorted(set(exercise.unsafe_for) & set(p.injuries))
    if hurt:
        notes.append(f"**Careful:** it loads your {words(hurt)}, which you listed as injured - "
                     "the swaps below avoid it.")
    if notes:
        out.append(" ".join(notes))
    try:
        swaps = catalogue.substitutes(exercise.id, p.equipment, p.injuries, p.fitness_level, limit=3)
    except ValueError:
        swaps = []
    kit = f"your equipment ({words(p.equipment)})"
    injuries = f" and injuries ({words(p.injuries)})" if p.injuries else ""
    if swaps:
        out.append(f"**Swaps that suit {kit}{injuries}:**\n"
                   + "\n".join(f"- {s.name} - {s.cue}" for s in swaps))
    else:
        out.append(f"No swap in the catalogue fits {kit}{injuries} for this movement.")
    return "\n\n".join(out)


RPE_TABLE = (
    "| RPE | Reps left (RIR) | How it feels |\n"
    "| --- | --- | --- |\n"
    "| 10 | 0 | couldn't do another rep |\n"
    "| 9 | 1 | one more, at most |\n"
    "| 8 | 2 | two more with good form |\n"
    "| 7 | 3 | quick, solid reps |\n"
    "| 6 or less | 4+ | warm-up territory |"
)


def _effort(user_id: int, context: CoachContext, mention: Mention | None) -> str:
    out = ["**RPE** (rate of perceived exertion) scores how hard a set was from 1 to 10. "
           "**RIR** (reps in reserve) says the same in reps: how many more you could have done "
           "with good form. RPE = 10 - RIR.", RPE_TABLE]
    rpes = sorted({e.rpe for d in (context.plan.days if context.plan else []) for e in d.exercises
                   if e.rpe})
    if rpes:
        span = f"RPE {rpes[0]:g}" if len(rpes) == 1 else f"RPE {rpes[0]:g}-{rpes[-1]:g}"
        fewest, most = 10 - rpes[-1], 10 - rpes[0]
        left = f"{fewest:g}" if fewest == most else f"{fewest:g}-{most:g}"
        out.append(f"Your plan sets most working sets at {span}: finish each set with about "
                   f"{left} good reps left.")
    if mention is None:
        out.append("**Picking a weight:** choose one you could lift for two or three more reps "
                   "than the plan asks (RPE 7-8). If the first working set feels easier than the "
                   "target, add 2.5-5 %; if it's harder, take 5-10 % off. Name an exercise - "
                   f"\"what weight for {_example_exercise(context)}?\" - and I'll use your log.")
        return "\n\n".join(out)
    exercise = mention.exercise
    reps, rpe, _ = _target_for(context, exercise)
    suggestion = _suggest(user_id, exercise.id, reps, rpe)
    if suggestion is None or suggestion.action == "start":
        first = suggestion.message if suggestion else ""
        out.append(f"**{exercise.name}:** you haven't logged it yet. {first}".strip())
        return "\n\n".join(out)
    logged_rpe = ""
    latest = context.latest_performance(exercise.id)
    if latest is not None and latest[1].top_rpe is not None:
        logged_rpe = f" (top set at RPE {latest[1].top_rpe:g})"
    target = (f"{weight_text(suggestion.weight_kg, context.units)} × {suggestion.reps}"
              if suggestion.weight_kg else suggestion.reps)
    out.append(f"**{exercise.name}:** last time {_last_text(suggestion, context.units)}"
               f"{logged_rpe}. For {reps} reps at RPE {rpe or DEFAULT_RPE:g}, next time aim for "
               f"**{target}**. {suggestion.message}")
    return "\n\n".join(out)


def _comeback_share(days: int) -> int:
    if days < 14:
        return 80
    if days < 28:
        return 75
    return 70


def _comeback(user_id: int, context: CoachContext, mention: Mention | None,
              logged: Sequence[progress.ExerciseOption]) -> str:
    if context.is_new or context.days_since_last_session is None:
        return _new_person(context, "plan a comeback") + (
            "\n\nStarting fresh is the same as coming back: keep the first two weeks light "
            "(stop every set with three or four reps in reserve) and let the plan build from there.")
    days = context.days_since_last_session
    last_day = day_text(context.last_session_on or context.today)
    if days < COMEBACK_SHORT_DAYS:
        nxt = motivation.upcoming(context)
        return (f"Your last session was {last_day} ({days} day{'' if days == 1 else 's'} ago) - "
                f"that's not a break that needs a re-entry plan. Carry on where you left off. {nxt}")
    share = _comeback_share(days)
    out = [f"It's been **{days} days** since your last session ({last_day}). Strength comes back "
           f"much faster than it was built, but joints and tendons need a week or two, so ease in "
           f"at about **{share} %** of your last working weights."]
    exercise_id = mention.exercise.id if mention is not None else None
    if exercise_id is None and logged:
        exercise_id = logged[0].exercise_id
    if exercise_id is not None:
        series = progress.strength_series(user_id, exercise_id)
        if series.points:
            last = series.points[-1]
            top = set_text(last["top_weight_kg"], last["top_reps"], last["max_seconds"]
                           if not last["top_reps"] else None, context.units)
            if last["top_weight_kg"]:
                start = _round_load(last["top_weight_kg"] * share / 100, context.units)
                reps = last["top_reps"] or last["max_reps"]
                out.append(f"**{series.name}:** your last top set was {top} on {day_text(last['x'])}. "
                           f"Start around **{weight_text(start, context.units)}** "
                           f"({share} %)" + (f" for sets of {reps}" if reps else "") + ".")
            elif last["max_reps"]:
                reps = max(1, round(last["max_reps"] * share / 100))
                out.append(f"**{series.name}:** your best set last time was {last['max_reps']} reps "
                           f"on {day_text(last['x'])}. Start with sets of about **{reps}**.")
            elif last["max_seconds"]:
                hold = max(5, round(last["max_seconds"] * share / 100))
                out.append(f"**{series.name}:** your longest hold last time was {last['max_seconds']} s. "
                           f"Start with holds of about **{hold} s**.")
    sets = next((e.sets for d in (context.plan.days if context.plan else []) for e in d.exercises
                 if e.sets), None)
    fewer = (f"{max(2, sets - 1)} sets instead of {sets}" if sets and sets > 2
             else "one set fewer than usual")
    out.append("**Re-entry plan**\n"
               f"1. Week 1: two or three sessions at about {share} % of your last weights, "
               f"{fewer} per exercise, stopping every set with three reps in reserve (RPE 7).\n"
               f"2. Week 2: about {min(95, share + 15)} % and your usual number of sets, at RPE 7-8.\n"
               "3. Week 3: back to your normal weights; the usual progression takes over.")
    out.append("Some soreness in the first days back is normal; sharp pain is not - stop and get "
               "it checked.")
    nxt = motivation.upcoming(context)
    if context.plan is not None:
        out.append(nxt)
    return "\n\n".join(out)


def _help(context: CoachContext) -> str:
    return ("I'm Vigor's built-in coach. I answer from your own training log, your plan and the "
            "exercise catalogue. Ask me about:\n" + _capabilities(context))


def _unknown(context: CoachContext) -> str:
    return ("I can't answer that yet - I'm Vigor's built-in coach, and I only answer from your "
            "own training data and the exercise catalogue. Here's what I can help with:\n"
            + _capabilities(context))


# --- the answer ------------------------------------------------------------------------------------


def answer(user_id: int, message: str, now: datetime | None = None) -> str:
    """The built-in coach's Markdown reply to `message` from `user_id` at `now` (UTC)."""
    verdict = safety.screen(message)
    if verdict.reply is not None:
        return verdict.reply
    context = build_context(user_id, now or utcnow())
    logged = progress.exercise_options(user_id)
    mention = _mention(context, message, logged)
    strong = mention if mention is not None and mention.strong else None
    intent = detect_intent(message, mentioned=strong is not None)
    if intent == TODAY:
        return _today(user_id, context)
    if intent == PROGRESS:
        return _progress(user_id, context, logged)
    if intent == TECHNIQUE:
        return _technique(context, mention, user_id)
    if intent == EFFORT:
        return _effort(user_id, context, strong)
    if intent == COMEBACK:
        return _comeback(user_id, context, strong, logged)
    if intent == MOTIVATION:
        return motivation.motivating_note(context)
    if intent == HELP:
        return _help(context)
    return _unknown(context)
