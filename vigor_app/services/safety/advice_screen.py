"""The coach's safety screen for text an AI wrote: advice it recommends, not words it uses.

`screen_advice(text)` applies the coach's safety policy (``safety``) to text an AI provider
wrote (a chat reply, the free-text fields of an AI plan) before anyone sees it. It returns ``harmful`` (with the topic,
and a ``reply`` saying the advice was withheld, then the safer way from ``safety.HARMFUL_REPLY``)
when the text *recommends* one of the harmful practices, else ``ok``; never ``medical``, since
an AI that names chest pain in a warning is doing its job. It reuses the harmful rules
(``safety.HARMFUL_RULES`` and its calorie and hour-fast checks), adjusted in
``_ADVICE_*`` (a drug counts with a dose, cycle or stack; "muscle ache", "walk daily",
"eat nothing heavy" and "progress fast for a few weeks" are harmless; some phrasings only an
answer uses). The text is split into sentences on . ! ? ; newlines and bullets *before* each
is normalised, and sentences into clauses on "but"/"however"/"otherwise". A match does not
count when its clause negates it before it ("never", "don't", "avoid", "instead of",
"rather than", "stop ... if", "I can't", "some people" ...), when the clause warns about it
(risky, dangerous, unsafe, "not safe", "I can't recommend", "will make it worse", "leads to"
...; a warning in a later clause of the sentence covers a statement but not an instruction),
when it is the subject of a negation ("laxatives don't remove calories"), the content of an
"if you ..." or a question that only asks or echoes ("Should you train through pain?").
Look-alike negations ("don't worry", "why not", "no excuses", "not dangerous") are removed
first. One combined expression picks the clauses worth judging, so a 10,000-character text
takes a few milliseconds.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from itertools import accumulate

from vigor_app.services.safety.messages import (
    DRUG_NAMES,
    FAST_LOSS,
    HARMFUL,
    HARMFUL_REPLY,
    HARMFUL_RULES,
    HOUR_FAST,
    KCAL,
    MAX_WEEKLY_LOSS_KG,
    MIN_DAILY_KCAL,
    MIN_LONG_FAST_HOURS,
    OK,
    PAIN,
    WEIGHT_GOAL,
    Rule,
    SafetyVerdict,
    make_rule,
    normalise,
    too_fast_loss,
    very_low_calories,
)

_PRACTICE = {
    "fasting": "going days without eating",
    "low_calories": f"eating under {MIN_DAILY_KCAL} kcal a day",
    "pain_through": "training through pain or an injury",
    "dehydration": "dehydrating to make weight",
    "drugs": "steroids or other performance-enhancing drugs",
    "no_rest": "training with no rest days",
    "purging": "purging or laxatives",
    "crash": f"losing more than {MAX_WEEKLY_LOSS_KG:g} kg a week",
}

# Sentences: split on . ! ? ; and an ellipsis (a point before a digit, as in 1.6 g, is not a
# break), newlines and bullet characters. The separator is kept so a question can be told
# from a statement.
_SENTENCE_END = re.compile(r"((?:[!?;\u2026\u3002\uff01\uff1f\uff1b]|\.(?!\d))+|"
                           r"[\r\n\u2022\u2023\u25aa\u25e6\u00b7]+)")
# "2,500 kcal" is one number, not "2" and "500 kcal".
_THOUSANDS = re.compile(r"(?<=\d)[,.\u00a0\u202f](?=\d{3}(?!\d))")
# Clauses: what follows "but" is judged on its own ("It's risky, but take 50 mg ...").
_CONTRAST = re.compile(r"\b(?:but|however|although|though|that said|even so|otherwise)\b")

# Phrases that look like a negation or a warning and are neither; removed before judging.
_NOT_A_NEGATION = re.compile(
    r"\b(?:dont|do not|never) (?:worry|be afraid|be scared|fear|hesitate|stop|quit|give up|"
    r"forget|miss|back off|overthink|be shy|let (?:\w+ ){1,3}stop you)\b|"
    r"\b(?:why not|why dont you|how about|no excuses?|no pain no gain|not only|not just|"
    r"no matter|no doubt|no problem|no big deal|not a big deal|nothing wrong with|no harm in|"
    r"no reason not to|no need to worry|cant hurt|wont hurt|doesnt hurt|cant go wrong|"
    r"wont kill you|(?:not|isnt|arent|never) (?:dangerous|harmful|risky|bad|unsafe|a risk)|"
    r"(?:perfectly|totally|completely) safe)\b")
# A negation before the harmful phrase in its clause: "never train through sharp pain".
_NEGATION = re.compile(
    r"\b(?:dont|do not|does not|doesnt|didnt|never|avoid\w*|not|no need to|no reason to|nobody|"
    r"no one|instead of|rather(?: \w+){0,6} than|refrain|steer clear|stay away|resist|shouldnt|"
    r"should not|must not|mustnt|cant|cannot|can not|wont|will not|wouldnt|would not|isnt|"
    r"arent|nor|neither|against|stop(?: \w+){0,6} if|"
    r"you (?:mentioned|asked|said|were asking|are asking|are planning|are considering|plan to)|"
    r"youre (?:considering|thinking|planning|asking)|your (?:plan|idea) (?:to|of)|your question|"
    r"i (?:understand|hear you|get that|know you|see you)|"
    r"(?:some|many|a lot of) (?:people|lifters|athletes|fighters|coaches)|"
    r"people (?:often|sometimes))\b")
# Right before the phrase: "no water cutting", "stop training through pain".
_NEGATED_JUST_BEFORE = re.compile(r"\b(?:no|stop|stopping|quit|quitting|without|ditch|skip)\s$")
# The phrase as the content of an "if" or "when": "if you train through pain, ...".
_HYPOTHETICAL_JUST_BEFORE = re.compile(
    r"\b(?:if|when|whenever|once) (?:you|youre|they|theyre|someone|people|we|anyone|lifters|"
    r"athletes)"
    r"(?: \w+){0,2} $")
# A warning anywhere in the clause: risk words, refusals and bad consequences.
_MODAL = (r"(?:will|can|could|may|might|would|youll|itll|thatll|theyll|youd|tends? to|likely to|"
          r"only|often|usually)")
_WARNING = re.compile(
    r"\b(?:risk|risks|risky|dangerous|danger|dangers|unsafe|harmful|harms?|unhealthy|illegal|"
    r"reckless|bad idea|terrible idea|mistake|myth|backfires?|side effects?|supervision|"
    r"supervised|withheld|tempt\w*|"
    r"(?:not|isnt|arent|never|no longer) (?:a |an |really |very )?(?:good|great|smart|safe|wise|"
    r"healthy|sustainable|necessary|needed|required|recommended|advisable|advised|something|"
    r"worth|the answer|the way|a solution|okay|ok|helpful|effective|appropriate|sensible)|"
    r"(?:cant|cannot|can not|wont|will not|shouldnt|should not|dont|do not|wouldnt|would not|"
    r"never) (?:\w+ )?(?:help|advise|recommend|suggest|coach|give|provide|support|endorse|"
    r"encourage|condone|prescribe)|"
    rf"{_MODAL} (?:\w+ ){{0,2}}?(?:hurt|harm|injure|damage|worsen|backfire|cost|wreck|ruin|stall|"
    r"sabotage|mask|strain|stress|set you back|make (?:\w+ ){0,2}?worse|turn (?:\w+ ){0,3}?into|"
    r"lead to|cause|increase the risk|raise the risk|leave you|wear (?:\w+ )?down|"
    r"burn (?:\w+ )?out)|"
    r"(?:leads?|leading) to|causes|results? in|recipe for|sets? you back|costs|wrecks|ruins|"
    r"sabotages|undermines|drains|leaves you|"
    r"makes? (?:\w+ ){0,2}?worse|is how (?:\w+ ){0,3}?(?:get|got|end up) (?:hurt|injured|sick))\b")
# A phrase at the start of its clause, not as an instruction, for "X doesn't ..." ("laxatives
# don't remove calories", "training through pain won't make you tougher").
_CLAUSE_START = re.compile(r"(?:(?:and|so|also|or|then|the|a|an|any|all|this|that|these|those|"
                           r"such|using|taking|doing|trying|remember|note|honestly|plus|even|"
                           r"because|since|as) )*")
# "Beginners progress fast for a few weeks": the word "fast" as in quick.
_FAST_AS_QUICK = re.compile(r"\b(?:progress\w*|mov\w+|lift\w*|run\w*|go|goes|going|improv\w*|"
                            r"grow\w*|gain\w*|come|comes|adapt\w*|recover\w*|climb\w*|ris\w+|"
                            r"drop\w*|los\w+|learn\w*|really|very|too|so|pretty|quite|fairly|as|"
                            r"how|results|gains|strength|weight) $")
# A clause that starts with an instruction: "just take ...", "do a ...".
_IMPERATIVE = re.compile(r"(?:(?:just|simply|honestly|then|so|and|now|also|please) )*"
                         r"(?:take|use|run|do|try|eat|fast|train|lift|push|keep|go|sit|stop|skip|"
                         r"ignore|cut|drop|stick|limit|inject|stack|cycle|start|add|hop|wear|spit|"
                         r"purge|make|throw|work|dehydrate|play|grind|squat|bench|deadlift|get|"
                         r"follow|aim|drink|sweat|pop)\b")
# Questions an AI asks or echoes ("Should you train through pain?") are not advice; the ones
# that suggest something ("How about a 72 hour fast?") are.
_SUGGESTING_QUESTION = re.compile(r"(?:why not|why dont you|how about|what about|have you (?:tried|"
                                  r"considered)|would you (?:try|consider)|could you try|"
                                  r"can you try|ever tried)\b")
# The person's rules, adjusted for answers: a drug counts with a dose, a cycle or a stack
# (not "sleep supports testosterone"); muscle ache is not an injury; walking daily is fine.
_DOSING = re.compile(r"\b(?:dose|doses|dosing|dosage|dosages|cycle|cycles|cycling|stack|stacks|"
                     r"stacking|mg|mcg|iu|ml|cc|milligrams?|micrograms?|inject\w*|pin|pinning|jab|"
                     r"jabs|pct|blast|blasting|cruise|cruising|tabs?|pills?|capsules?|vials?|"
                     r"per week|a week|daily|every day|ed|eod)\b")
_ADVICE_UNLESS = {
    "drugs": re.compile(r"\b(?:natural(?:ly)?|prescri\w*|trt|doctor|physician|endocrinologist|"
                        r"levels?|checked|tested|blood ?work|blood tests?)\b"),
    "no_rest": re.compile(r"\b(?:walk|walks|walking|stretch\w*|mobility|steps|drink\w*|hydrat\w*|"
                          r"sleep\w*|meditat\w*)\b"),
}
# Read around a match (15 characters before, 25 after): words that make it harmless.
_BENIGN_AROUND = {
    "pain_through": re.compile(r"\b(?:muscle|muscular) (?:ache|aches|aching|pain|soreness)\b"),
    "fasting": re.compile(r"\beat(?:ing)? nothing (?:heavy|big|new|fancy|spicy|fatty|greasy|too|"
                          r"but|except|else|within|in the|right|before|after|late|"
                          r"for (?:an|\d+|a few|two|three) (?:hour|hours|minutes))\b|"
                          r"\b(?:drink\w*|sip\w*|chug\w*|gulp\w*) (?:\w+ )?water fast\b"),
}
_ADVICE_ONLY: tuple[Rule, ...] = (
    make_rule("drugs", rf"\b(?:take|taking|use|using|run|running|start|starting|try|trying|add|adding|"
                   rf"buy|buying|order|ordering|hop on|get on|go on|jump on|inject|injecting)\b"
                   rf"(?: \w+){{0,3}}? {DRUG_NAMES}\b"),
    make_rule("drugs", r"\btest (?:only )?(?:cycles?|blasts?|base|and cruise|injections?|doses?)\b|"
                   r"\b(?:cycles?|blast|mg|ml|cc)(?: of)? test\b"),
    make_rule("pain_through", rf"\bignor(?:e|ing) (?:the |your |this |that |any )?(?:\w+ ){{0,2}}"
                          rf"(?:{PAIN}|injury|injuries)\b"),
    make_rule("dehydration", r"\bdehydrat(?:e|ing) (?:yourself )?(?:down|before (?:the |your )?"
                         r"(?:weigh|meet|fight|show))\w*"),
    make_rule("dehydration", r"\b(?:cut|cutting|stop|stopping|restrict\w*|limit\w*|drop|dropping) "
                         r"(?:all |your |back on |out |off )?(?:water|fluids|liquids|fluid intake|"
                         r"water intake)\b", also=WEIGHT_GOAL),
    make_rule("no_rest", r"\bnever (?:take|taking|need|needing|have|having|schedule|plan) "
                     r"(?:a |any )?(?:rest|recovery|off) days?\b|"
                     r"\brest days? (?:are|is) (?:for the weak|for wimps|unnecessary|optional|"
                     r"overrated|a waste)\b"),
)
# Claims whose own words are a negation ("rest days aren't necessary"): a negation inside the
# match does not count for these.
_ADVICE_NEGATED_CLAIMS: tuple[Rule, ...] = (
    make_rule("no_rest", r"\b(?:rest|recovery|off) days? (?:arent|isnt|are not|is not) (?:really )?"
                     r"(?:necessary|needed|required|important|essential)\b"),
)
_ADVICE_RULES: tuple[Rule, ...] = tuple(
    replace(rule, also=_DOSING) if rule.topic == "drugs" and rule.also is not None else rule
    for rule in HARMFUL_RULES) + _ADVICE_ONLY + _ADVICE_NEGATED_CLAIMS

# Eating under MIN_DAILY_KCAL, as a daily amount ("600 calories a day", "eat only 700 kcal").
_KCAL_WORD = r" ?(?:kcals?|k cals?|cals?|calories|calorie)\b"
_DAILY_INTAKE = re.compile(
    rf"\b(\d{{2,4}}){_KCAL_WORD}(?: (?:a|per|each|every) day| daily| diet)\b|"
    r"\b(?:eat|eating|consume|consuming|live on|living on|stick to|sticking to|limit yourself to|"
    r"down to|drop to|cut to|only|just|total of|target of|budget of|intake of|no more than|"
    r"(?:daily|a day|per day) (?:target|intake|budget|goal|total|limit)(?: is| of| should be| at)?)"
    rf"(?: about| around| roughly| only| just)? (\d{{2,4}}){_KCAL_WORD}")
_NOT_DAILY_INTAKE = re.compile(
    r"\b(?:add|adding|cut|cutting|drop|dropping|reduce|reducing|trim|trimming|shave|shaving|"
    r"subtract\w*|remov\w*|extra|another|additional)(?: (?!to\b)\w+){0,3}? \d|"
    r"\b(?:more|above|over|from|than|maintenance|per hour|an hour|hourly|per meal|each meal|"
    r"a meal|per serving|a serving)\b")


def _low_calorie_advice(clause: str) -> re.Match[str] | None:
    if not very_low_calories(clause) or _NOT_DAILY_INTAKE.search(clause):
        return None
    for match in _DAILY_INTAKE.finditer(clause):
        if 0 < int(match.group(1) or match.group(2)) < MIN_DAILY_KCAL:
            return match
    return None


def _long_fast_advice(clause: str) -> re.Match[str] | None:
    for match in HOUR_FAST.finditer(clause):
        if int(match.group(1)) >= MIN_LONG_FAST_HOURS:
            return match
    return None


def _crash_advice(text: str) -> re.Match[str] | None:
    """Losing more than MAX_WEEKLY_LOSS_KG a week, as advice ("lose 10 kg in a week")."""
    return next((found for found in FAST_LOSS.finditer(text) if too_fast_loss(found.group(0))), None)


_ADVICE_NUMERIC: tuple[tuple[str, Callable[[str], re.Match[str] | None]], ...] = (
    ("low_calories", _low_calorie_advice),
    ("fasting", _long_fast_advice),
    ("crash", _crash_advice),
)
# Any rule at all, in one expression: finds the clauses worth judging.
_ADVICE_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in (
    *(rule.pattern for rule in _ADVICE_RULES), KCAL, HOUR_FAST, FAST_LOSS)))


class _Clause:
    """One clause of an AI's sentence; its negations and warnings are found on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._negation_end: int | None = None
        self._warning_span: tuple[int, int] | None = None

    def _find_cues(self) -> int:
        """Where the first negation ends (past the end of the text when there is none)."""
        if self._negation_end is None:
            negation = _NEGATION.search(self.text)
            self._negation_end = negation.end() if negation else len(self.text) + 1
            warnings = list(_WARNING.finditer(self.text))
            self._warning_span = (warnings[0].start(), warnings[-1].end()) if warnings else None
        return self._negation_end

    def recommends(self, match: re.Match[str], inner: bool = True) -> bool:
        """Whether this harmful match is recommended rather than negated or warned against
        (`inner`: a negation inside the match, after its first word, counts too)."""
        negation_end = self._find_cues()
        text, start, end = self.text, match.start(), match.end()
        if negation_end <= start:  # "never train through pain"
            return False
        span = self._warning_span  # "fasting for days is dangerous"
        if span is not None and (span[0] < start or span[1] > end):
            return False
        before = text[max(0, start - 60):start]
        if _NEGATED_JUST_BEFORE.search(before) or _HYPOTHETICAL_JUST_BEFORE.search(before):
            return False
        first_word_end = text.find(" ", start, end)
        if inner and first_word_end != -1 and _NEGATION.search(text, first_word_end, end):
            return False  # "train around the injury, not through it"
        if (start <= 60 and _CLAUSE_START.fullmatch(text, 0, start)
                and not _IMPERATIVE.match(text, start) and _NEGATION.search(text, end)):
            return False  # "laxatives don't remove the calories"
        return not (text.startswith("fast", start) and _FAST_AS_QUICK.search(before))


def _advice_clauses(text: str) -> list[tuple[str, int]]:
    """(clause, sentence number) for the clauses of `text` to judge, in order: each sentence
    (split on . ! ? ; newlines and bullets) normalised, stripped of look-alike negations and
    split on "but"; questions that only ask or echo are left out."""
    parts = _SENTENCE_END.split(_THOUSANDS.sub("", text or ""))
    clauses = []
    for i in range(0, len(parts), 2):
        sentence = normalise(parts[i])
        question = i + 1 < len(parts) and "?" in parts[i + 1]
        if not sentence or (question and not _SUGGESTING_QUESTION.match(sentence)):
            continue
        for clause in _CONTRAST.split(sentence):
            clause = " ".join(_NOT_A_NEGATION.sub(" ", clause).split())
            if clause:
                clauses.append((clause, i))
    return clauses


def _advice_topic(text: str) -> str | None:
    """The harmful practice one clause recommends, if any."""
    clause = _Clause(text)
    for rule in _ADVICE_RULES:
        if rule.pattern.search(text) is None or \
                (rule.also is not None and rule.also.search(text) is None) or \
                (rule.unless is not None and rule.unless.search(text) is not None):
            continue
        unless = _ADVICE_UNLESS.get(rule.topic)
        if unless is not None and unless.search(text) is not None:
            continue
        benign = _BENIGN_AROUND.get(rule.topic)
        for match in rule.pattern.finditer(text):
            if benign is not None and benign.search(
                    text, max(0, match.start() - 15), match.end() + 25) is not None:
                continue
            if clause.recommends(match, inner=rule not in _ADVICE_NEGATED_CLAIMS):
                return rule.topic
    for topic, find in _ADVICE_NUMERIC:
        found = find(text)
        if found is not None and clause.recommends(found):
            return topic
    return None


def _withheld_reply(topic: str) -> str:
    return (f"This reply was withheld because it recommended {_PRACTICE[topic]}. "
            f"A safer way instead: {HARMFUL_REPLY[topic][1]}")


def screen_advice(text: str) -> SafetyVerdict:
    """The verdict on text an AI wrote: HARMFUL (topic set, reply = a short sentence saying
    the advice was withheld, then the safer way from ``HARMFUL_REPLY``) when it recommends a
    harmful practice; OK otherwise (see the module docstring)."""
    clauses = _advice_clauses(text)
    # One pass of all the rules at once over the clauses joined by newlines (no rule matches
    # across one) finds the clauses any rule matches in; only those are judged.
    joined = "\n".join(clause for clause, _ in clauses)
    starts = list(accumulate((len(clause) + 1 for clause, _ in clauses[:-1]), initial=0))
    candidates = sorted({bisect_right(starts, match.start()) - 1
                         for match in _ADVICE_ANY.finditer(joined)})
    for index in candidates:
        clause, sentence = clauses[index]
        topic = _advice_topic(clause)
        # A warning after "but" covers a statement before it ("... is popular, but it costs
        # muscle"), not an instruction ("take ..., but it's risky"); one before "but" does not
        # cover what follows ("it's risky, but take ...").
        if topic is not None and (_IMPERATIVE.match(clause) or not any(
                _WARNING.search(later) for later, same in clauses[index + 1:index + 8]
                if same == sentence)):
            return SafetyVerdict(HARMFUL, _withheld_reply(topic), topic)
    return SafetyVerdict(OK)
