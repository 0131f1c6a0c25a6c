"""What a message to the built-in coach asks for: its intent.

`intent_scores` adds up weighted regular expressions per intent over the normalised message
(``safety.normalise``: case-folded, apostrophes dropped, punctuation as spaces). An exercise
named in the message adds `MENTION_BONUS` to ``technique`` (2 in a short message of at most
`SHORT_MESSAGE_WORDS` words, else 1, so "bench press?" asks for technique and "my legs are
sore after squats" does not). The highest score wins, ties go to the first in `TIE_ORDER`;
below `MIN_SCORE` the answer is "I can't answer that yet".

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
"""

from __future__ import annotations

import re

from vigor_app.services.safety import messages as safety

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
