"""What a message to the built-in coach asks for: its intent.

`intent_scores` adds up weighted regular expressions per intent over the normalised message
(`normalise`: ``safety.normalise`` - case-folded, apostrophes dropped, punctuation as spaces -
then a word of six letters or more that is a near miss of one of `KEY_WORDS` ("skiped",
"delaod", "expain", "subsitute") is read as that word: same first letter, at most one letter
more or fewer, difflib at `TYPO_CUTOFF`, and never one of `NOT_TYPOS`). An exercise named in
the message adds `MENTION_BONUS` to ``technique`` (2 in a short message of at most
`SHORT_MESSAGE_WORDS` words, else 1, so "bench press?" asks for technique and "my legs are
sore after squats" does not). The highest score wins, ties go to the first in `TIE_ORDER`;
below `MIN_SCORE` the intent is ``unknown`` (`out_of_scope.unknown_answer` replies).

   ================  ==========================================================================
   intent            signals (weight)
   ================  ==========================================================================
   ``today``         today / tonight (2), "what should I train/do" (2), "next workout",
                     "my session" (2), "what's next", "on the plan" (3), rest day (1)
   ``progress``      progress (3), records / PRs / personal best (3), "how am I doing" (3),
                     stronger / improve / gains (2), stats / trend / volume / streak (2)
   ``technique``     "how do I do / perform" (3), form / technique / cue / tips (3),
                     "how do I" (1), muscles / works (1), explain / teach me (1), a named
                     exercise (1-2)
   ``substitute``    instead of / alternative / substitute / swap / replace (5), no or only
                     some equipment ("no barbell", "only dumbbells", "the rack is taken") (5),
                     a hurt joint ("bad shoulder", "my knee is sore") (4), "can't do" (3)
   ``effort``        RPE / RIR / reps in reserve (5), "how heavy / how much weight" (4),
                     "what weight", "pick a weight", "starting weight" (4), heavier/lighter (2)
   ``comeback``      "after a (long) break / time off" (4), "haven't trained", "missed weeks",
                     "been sick / away" (4), come back / return / restart / start again (3)
   ``missed``        missed / skipped (3, not weeks or months of it), "missed my workout /
                     Monday / yesterday" (2), "couldn't make it to the gym" (3), make up /
                     catch up / double up (3), "what do I do now" (1)
   ``plan``          explain / walk me through / review my plan (5), "why ... plan" (4),
                     "what does day 2 do", "how does my plan work", "why these exercises" (4),
                     "why am I doing" (3), "what's in my plan / what is my split" (3), which
                     week of the block (3), my plan / program / split / routine (2)
   ``recovery``      sleep (4), recover* (4), overtraining / training every day (4), sore /
                     DOMS / stiff (3), "how long between sessions" (3), rest days / days off
                     (2), "on my rest day", "how many rest days" (2), tired / exhausted (2),
                     hydration / foam rolling / massage (2)
   ``deload``        deload / lighter week / recovery week (6), stalled or stuck for weeks (4),
                     joints or tendons aching (4), beat up / run down / burnt out (3), "take a
                     week off" (3)
   ``warmup``        warm up / warm-up sets / ramp sets (5), cool-down (3), "before lifting /
                     squats" (2), stretching (1)
   ``review``        "how did / was my workout", "what did I do / lift" (5), "how many sets
                     did I do this week" (4), summary / recap / review (3), "last / Monday's
                     session" (2), "did I hit / finish" (2), "last time" (1)
   ``motivation``    motivat* (4), encourage / pep talk (4), "don't feel like" (3),
                     lazy / unmotivated / give up (3)
   ``help``          "what can you do", help, "who are you" (2), a bare greeting (2)
   ================  ==========================================================================

Why the tie order: a missed session comes before a comeback (a few missed days are not a
break; the missed answer points to the comeback one after a week); warm-ups and deloads
before effort (their questions often say "RPE" or "weight"); progress before review ("summary
of my progress"); recovery before today ("I'm tired, should I train today?"); today before
plan ("what's my plan for today?"); technique before substitute ("I can't do it properly").

``review`` (questions about logged sessions) is detected but not answered here yet.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from vigor_app.services.safety import messages as safety

TODAY = "today"
PROGRESS = "progress"
TECHNIQUE = "technique"
SUBSTITUTE = "substitute"
EFFORT = "effort"
COMEBACK = "comeback"
MISSED = "missed"
PLAN = "plan"
RECOVERY = "recovery"
DELOAD = "deload"
WARMUP = "warmup"
REVIEW = "review"
MOTIVATION = "motivation"
HELP = "help"
UNKNOWN = "unknown"
INTENTS = (TODAY, PROGRESS, TECHNIQUE, SUBSTITUTE, EFFORT, COMEBACK, MISSED, PLAN, RECOVERY,
           DELOAD, WARMUP, REVIEW, MOTIVATION, HELP)
TIE_ORDER = (MISSED, COMEBACK, WARMUP, DELOAD, EFFORT, PROGRESS, REVIEW, RECOVERY, TODAY, PLAN,
             MOTIVATION, TECHNIQUE, SUBSTITUTE, HELP)
MIN_SCORE = 2
MENTION_BONUS = 2
SHORT_MESSAGE_WORDS = 5

# Key words a typo of is read as the word ("skiped" -> "skipped"): six letters or more.
KEY_WORDS = frozenset({
    "explain", "program", "programme", "routine", "schedule", "missed", "missing", "skipped",
    "skipping", "workout", "workouts", "session", "sessions", "yesterday", "yesterdays",
    "recovery", "recover", "recovering", "soreness", "sleeping", "deload", "deloading",
    "warmup", "warming", "stretching", "substitute", "alternative", "alternatives", "instead",
    "replace", "replacement", "summary", "overtraining", "exhausted", "plateau", "stalled",
    "equipment", "dumbbells", "barbell", "kettlebells", "shoulder", "injured", "motivation",
    "progress", "technique",
})
# Real words one letter away from a key word, never read as a typo of it.
NOT_TYPOS = frozenset({"slipped", "sipping", "stripped", "reversing", "warning", "routing",
                       "covering", "loading", "reload", "issued", "inserted"})
TYPO_MIN_LENGTH = 6
TYPO_CUTOFF = 0.83

_QUANTITY = (r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|couple|of|"
             r"the|last|past|\d+|many|some|whole|full|entire)")
_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)s?"
_SESSION = r"(?:workouts?|sessions?|training|gym|class|day|lift|lifting|run)"
_PLAN = r"(?:plan|program\w*|routine|split|block|schedule|mesocycle)"
_EQUIPMENT = (r"(?:barbells?|bar|dumbbells?|dbs|kettlebells?|kbs|bench|rack|squat rack|power rack|"
              r"cables?|cable machine|machines?|bands?|resistance bands|pull ?up bar|chin ?up bar|"
              r"equipment|weights|gym)")
_JOINT = r"(?:knees?|shoulders?|(?:lower |low )?back|wrists?|elbows?|hips?|ankles?|neck)"
# As the subject ("my back is sore"), "back" needs "my", "the" or "lower": "came back sore" is no injury.
_JOINT_SAID = (r"(?:knees?|shoulders?|(?:lower |low )back|(?<=my )back|(?<=the )back|wrists?|elbows?|"
               r"hips?|ankles?|neck)")


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
        # "how's my bench going", "how are my RDLs trending", "my leg press numbers lately?"
        (r"\bhow(?:s| is| are| has| have| r)? (?:my|the) (?:\w+ ){1,3}(?:going|coming along|comin along|"
         r"doing|doin|trending|been|progressing)\b|\b(?:numbers|trend\w*) lately\b|"
         r"\b(?:my|the) best \w+\b|\bgetting (?:faster|stronger|better)\b", 3),
    ),
    TECHNIQUE: _signals(
        (r"\bhow (?:do|should|can|would) (?:i|you) (?:do|perform|execute)\b|\bhow to (?:do|perform)\b", 3),
        (r"\b(?:form|technique|cues?|properly|proper|correctly|tips?)\b", 3),
        (r"\bhow (?:do|should|can) (?:i|you)\b|\bhow to\b", 1),
        (r"\b(?:muscles?|works?|targets?)\b", 1),
        (r"\b(?:explain|teach me|show me)\b", 1),
    ),
    SUBSTITUTE: _signals(
        (r"\b(?:instead of|alternatives?|alternate|substitut\w*|swap\w*|replace\w*|replacement|"
         r"switch (?:out|for)|(?:other|another) option|different exercise|something else|"
         r"in place of)\b|\b(?:do|use|try) instead\b", 5),
        (rf"\b(?:no|dont have|do not have|without|no access to|lack|theres no|there is no|has no|"
         rf"have no|only|just)\b(?: \w+){{0,2}} {_EQUIPMENT}\b|\b{_EQUIPMENT}(?: \w+)? (?:is |are )?"
         rf"(?:taken|busy|broken|occupied|out of order|not available|unavailable)\b", 5),
        (rf"\b(?:bad|sore|hurt|hurting|injured|injury|dodgy|tweaked|busted|achy|painful|weak|"
         rf"niggl\w*|cranky|sprained|strained|pulled|torn|twisted|rolled)(?: my| the| a)? {_JOINT}\b|"
         rf"\b{_JOINT_SAID}(?: \w+)? (?:is |are |feels? |has been |keeps |still )?(?:sore|hurts?|hurting|"
         rf"injured|bad|tweaked|achy|aching|playing up|injury|pain|niggle|bothering me|sprained|"
         rf"strained)\b", 4),
        (r"\b(?:cant|cannot|can not|unable to|not able to|dont like|hate) (?:do|perform|use|get|"
         r"stand)\b", 3),
    ),
    EFFORT: _signals(
        (r"\brpe\b|\brir\b|\breps? in (?:reserve|the tank)\b|\bperceived exertion\b", 5),
        (r"\bhow (?:heavy|much weight|much should i (?:lift|use|put)|hard should)\b", 4),
        (r"\b(?:what|which) (?:weight|load)\b|\b(?:pick|choose|select|use|start with) (?:a |the |my |what )?"
         r"(?:weight|load)\b|\bstarting weight\b", 4),
        (r"\b(?:too heavy|too light|go heavier|go lighter|add weight)\b", 2),
        # "deadlift weight for fri?", "cable rows next time, same weight or more?", "should I go up"
        (r"\b(?:put|load) on (?:the|my) bar\b|\b(?:weight|wieght|load|target) (?:for|on|next)\b|\bsame weight\b|\b(?:go|move) up\b|"
         r"\bnext target\b|\bhow much (?:should i|to|shud i) add\b", 3),
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
    MISSED: _signals(
        (rf"\b(?:mis+ed|miss|missing|skipped|skip|skipping|bailed on|blew off)\b"
         rf"(?!(?: {_QUANTITY})* (?:weeks?|months?|years?)\b)", 3),
        (rf"\b(?:mis+ed|miss|missing|skipped|skip|bailed on|blew off|didnt do|did not do)\b"
         rf"(?: \w+){{0,3}} (?:{_SESSION}|{_DAYS})\b", 2),
        (r"\b(?:couldnt|could not|didnt|did not|wasnt able to|was not able to|failed to) "
         r"(?:make it|get to the gym|go to (?:the )?(?:gym|training|class)|train|work ?out|lift|"
         r"get (?:a |my )?(?:workout|session|training) in)\b", 3),
        (r"\b(?:make (?:it |that |this |them )?up|catch up|double up|two (?:workouts|sessions) in "
         r"(?:one|a|the same) day|back to back sessions)\b", 3),
        (r"\bwhat (?:do|should|shall) i do (?:now|next)\b|\bwhat now\b", 1),
    ),
    PLAN: _signals(
        (rf"\b(?:explain|describe|walk me through|break down|breakdown|tell me about|overview of|"
         rf"review|summari[sz]e|summary of|go over|go through|talk me through|understand)\b"
         rf"(?: \w+){{0,3}} {_PLAN}\b", 5),
        (rf"\bwhy\b(?: \w+){{0,8}} {_PLAN}\b|\b{_PLAN}\b(?: \w+){{0,4}} why\b", 4),
        (r"\bwhat(?:s| does| do| is) (?:day|week) (?:\d|one|two|three|four|five|six|seven|a|b|c)\b|"
         r"\bday (?:\d|one|two|three|four|five|six|seven)\b(?: \w+){0,3} (?:do|for|about|train|work|"
         r"target|focus)\b", 4),
        (rf"\bhow does (?:my|the|this) {_PLAN} work\b|\bhow (?:is|was) (?:my|the) {_PLAN} "
         r"(?:built|made|designed|put together|chosen|picked)\b|\bwhy (?:these|this|those) "
         r"(?:exercises?|days?|reps|sets|lifts?)\b", 4),
        (r"\bwhy (?:am i|do i|should i|are we|is there|are there|is it|does it)\b(?: \w+){0,2} "
         r"(?:doing|do|have|training|train|on|in|only|no)\b", 3),
        (rf"\bwhats in (?:my|the) {_PLAN}\b|\bwhat(?:s| is) (?:my|the) (?:split|program\w*|routine|"
         r"block)\b", 3),
        (r"\b(?:which|what) week (?:of|am i|is (?:it|this))\b|\bweek \d+ of\b|\b(?:block|mesocycle|"
         r"periodi[sz]ation)\b", 3),
        (rf"\b(?:my|the|this|your|current) {_PLAN}\b", 2),
    ),
    RECOVERY: _signals(
        (r"\b(?:sleep\w*|slept|insomnia|naps?|napping)\b", 4),
        (r"\b(?:recover\w*|recuperat\w*)\b", 4),
        (r"\b(?:overtrain\w*|over train\w*|overreach\w*|too much training|training too much|"
         r"train(?:ing)? every day|every single day|(?:7|seven) days a week)\b", 4),
        (r"\b(?:sore|soreness|doms|stiff|stiffness)\b", 3),
        (r"\bhow (?:long|many (?:days|hours)|much time)\b(?: \w+){0,5} (?:between|apart)\b|"
         r"\bbetween (?:sessions|workouts|training days|sets)\b", 3),
        (r"\brest days?\b|\bdays? off\b|\boff days?\b|\bday of rest\b", 2),
        (r"\bon (?:a |my |the |your )?(?:rest days?|days? off|off days?)\b|\bhow (?:many|much|often)\b"
         r"(?: \w+){0,3} (?:rest|days? off|recover\w*)\b|\b(?:need|take|taking|have) (?:a |more |some |"
         r"enough )?(?:rest|day off|rest day)\b", 2),
        (r"\b(?:tired|exhausted|fatigued?|worn out|drained|knackered|wiped out|low energy|sluggish)\b", 2),
        (r"\b(?:hydrat\w*|dehydrated|foam roll\w*|massage|ice bath|sauna|cold plunge|active recovery)\b", 2),
    ),
    DELOAD: _signals(
        (r"\bde ?loads?\b|\bde ?loading\b|\bdeloaded\b|\blighter weeks?\b|\beasy weeks?\b|"
         r"\bback ?off weeks?\b|\brecovery weeks?\b", 6),
        (r"\b(?:stalled|stalling|stall|stuck|plateau\w*|not progressing|stopped progressing|"
         r"no progress|havent progressed|not getting stronger|getting weaker|going backwards)\b"
         r"(?: \w+){0,6} (?:weeks?|months?|a while|ages|sessions)\b", 4),
        (r"\b(?:joints?|tendons?|everything)\b(?: \w+){0,2} (?:achy|aching|aches?|sore|beat up|cranky|"
         r"creaky|hurts?|hurting)\b|\b(?:achy|aching|sore|cranky|creaky) (?:joints|tendons)\b", 4),
        (r"\b(?:beat up|beaten up|banged up|run down|rundown|fried|burnt out|burned out|worn down|"
         r"accumulated fatigue)\b", 3),
        (r"\b(?:take|taking|need) (?:a |one )?(?:week|few days) (?:off|easy|light|lighter)\b", 3),
    ),
    WARMUP: _signals(
        (r"\bwarm(?:ing|ed|s)?(?:(?: \w+){0,2} | ?)ups?\b|\bramp(?:ing)?(?: up)? sets?\b|"
         r"\bfeeler sets?\b", 5),
        (r"\bcool(?:ing)? ?downs?\b", 3),
        (r"\b(?:before|prior to) (?:i |my |the |a |each |every )?(?:\w+ )?(?:lift\w*|training|train|"
         r"workouts?|sessions?|squat\w*|bench\w*|deadlift\w*|press\w*|gym)\b", 2),
        (r"\bstretch\w*\b|\bmobility drills?\b|\bactivation\b", 1),
    ),
    REVIEW: _signals(
        (r"\bhow (?:did|was|were|went)\b(?: \w+){0,3} (?:workouts?|sessions?|training|lifting|lifts?|"
         r"day|week|gym|run)\b|\bhow did i do\b", 5),
        (r"\bwhat did i (?:do|lift|train|log|hit|squat|bench|deadlift|press|manage)\b|"
         r"\bwhat have i (?:done|lifted|trained|logged)\b", 5),
        (r"\bhow many (?:sets|reps|sessions|workouts|times|days|exercises)\b(?: \w+){0,4} "
         r"(?:did i|have i|i did|i have done|this week|last week|this month|last month|so far)\b", 4),
        (r"\b(?:summary|summari[sz]e|recap|overview|review|rundown)\b", 3),
        (r"\b(?:last|previous|yesterdays|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|"
         r"sundays) (?:workout|session|training|leg day|push day|pull day|upper day|lower day|"
         r"gym session)\b", 2),
        (r"\bdid i (?:hit|finish|complete|beat|train|lift|do)\b", 2),
        (r"\blast time\b", 1),
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


@lru_cache(maxsize=4096)
def _key_word(word: str) -> str:
    """`word`, or the key word it is a typo of: same first letter, at most one letter longer
    or shorter, and close by difflib ("should" is not "shoulder", "reload" not "deload")."""
    if len(word) < TYPO_MIN_LENGTH or word in KEY_WORDS or word in NOT_TYPOS or not word.isalpha():
        return word
    near = sorted(k for k in KEY_WORDS if k[0] == word[0] and abs(len(k) - len(word)) <= 1)
    close = difflib.get_close_matches(word, near, n=1, cutoff=TYPO_CUTOFF)
    return close[0] if close else word


def normalise(message: str) -> str:
    """The message as the signals read it: ``safety.normalise``, with typos of key words
    read as the word."""
    return " ".join(_key_word(word) for word in safety.normalise(message).split())


def intent_scores(message: str, mentioned: bool = False) -> dict[str, int]:
    """The score of every intent for `message` (`mentioned`: an exercise is named in it)."""
    text = normalise(message)
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
