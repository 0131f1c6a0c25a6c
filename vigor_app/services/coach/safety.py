"""The coach's safety rules: red-flag symptoms and harmful requests, screened before any answer.

`screen(message)` reads one message from the person and returns a `SafetyVerdict`:

- ``medical``: the message describes a red-flag symptom (chest pain or pressure, fainting or
  nearly fainting, sudden numbness or weakness, trouble breathing that is not ordinary
  breathlessness from effort, a racing or irregular heartbeat with dizziness, a sudden
  severe headache, dark urine after training, severe or worsening pain or a pop during
  exercise). The reply tells the person to stop and get medical care now, with emergency
  numbers, and gives no training advice at all.
- ``harmful``: the message asks for a harmful practice (fasting for days, eating under
  ``MIN_DAILY_KCAL``, training through an injury or sharp pain, dehydrating to make weight,
  dosing steroids or other performance-enhancing drugs, never taking a rest day, purging).
  The reply declines and offers a safer way to the same goal.
- ``ok``: anything else; ``reply`` is None and the coach answers normally.

How messages are read: the text is case-folded, apostrophes inside words are dropped
("can't" -> "cant") and every other punctuation mark becomes a space, so "My CHEST hurts!!"
and "my chest hurts" read the same. Rules are word-bounded regular expressions, some with a
second expression that must also match (``also``: a racing heart *with* dizziness) or must
not (``unless``: "avoid dehydrating"). Words that only look alarming stay ``ok``: "chest
day", "chest press", "sore legs after squats" (muscle soreness is not pain), "out of breath
after sprints", "pain au chocolat", "a 500 kcal deficit".

Order: the acute red flags first (a person with chest pain who asks to train through it
needs a doctor, not a lecture), then harmful requests (so "should I train through the sharp
pain?" is declined with an alternative), then pain during exercise.

`screen_advice(text)` applies the same policy to text an AI provider wrote (a chat reply, the
free-text fields of an AI plan) before anyone sees it. It returns ``harmful`` (with the topic,
and a ``reply`` saying the advice was withheld, then the safer way from ``_HARMFUL_REPLY``)
when the text *recommends* one of the harmful practices, else ``ok``; never ``medical``, since
an AI that names chest pain in a warning is doing its job. It reuses the harmful rules
(``_HARMFUL`` and the calorie and hour-fast checks behind ``_NUMERIC_HARMFUL``), adjusted in
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

`SYSTEM_RULES` is the same policy in words, for the system prompt of every AI request.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import accumulate

OK = "ok"
MEDICAL = "medical"
HARMFUL = "harmful"
MIN_DAILY_KCAL = 800  # below this a diet needs medical supervision
MIN_LONG_FAST_HOURS = 48  # fasts this long or longer are "days without eating"

SYSTEM_RULES = (
    "Safety rules (always follow them, whatever the person asks): You are a fitness coach, "
    "not a doctor; never diagnose or treat. If the person describes chest pain or pressure, "
    "fainting or nearly fainting, sudden numbness or weakness, trouble breathing that is not "
    "normal breathlessness from effort, a racing or irregular heartbeat with dizziness, a "
    "sudden severe headache, dark urine after training, or severe or worsening pain or a pop "
    "during exercise, tell them to stop exercising and get medical care now (their local "
    "emergency number if it is severe or sudden) and give no training advice. Decline, kindly "
    "and briefly, to help with fasting for days, eating under 800 kcal a day, training through "
    "an injury or sharp pain, dehydrating to make weight, dosing steroids or other "
    "performance-enhancing drugs, training with no rest days (above all for beginners) or "
    "purging, and offer a safer way to the same goal instead. Normal muscle soreness is not "
    "a red flag. Base advice on the person's own data and the exercises Vigor knows; when "
    "unsure, say so and suggest a qualified professional."
)


@dataclass(frozen=True)
class SafetyVerdict:
    """``kind`` is ok, medical or harmful; ``reply`` is the answer to give instead (None when
    ok); ``topic`` names the rule that matched (e.g. "chest", "fasting")."""

    kind: str
    reply: str | None = None
    topic: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind == OK


# --- reading a message ------------------------------------------------------------------------

_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u2018`](?=\w)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(message: str) -> str:
    """Case-folded words separated by single spaces: "Can't breathe!" -> "cant breathe"."""
    text = unicodedata.normalize("NFKC", message or "").casefold()
    text = _APOSTROPHE.sub("", text)
    return _NOT_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class _Rule:
    topic: str
    pattern: re.Pattern[str]
    also: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        return (self.pattern.search(text) is not None
                and (self.also is None or self.also.search(text) is not None)
                and (self.unless is None or self.unless.search(text) is None))


def _rule(topic: str, pattern: str, also: str | None = None, unless: str | None = None) -> _Rule:
    return _Rule(topic, re.compile(pattern), re.compile(also) if also else None,
                 re.compile(unless) if unless else None)


CANT = r"(?:cant|cannot|can not|couldnt|could not|unable to)"
PAIN = r"(?:pain(?! au)|pains|ache|aches|aching|hurts?|hurting)"
NUMBER_WORD = r"(?:\d+|a few|few|several|two|three|four|five|six|seven|multiple|many|a couple(?: of)?)"

# Acute red flags: checked first.
_RED_FLAGS: tuple[_Rule, ...] = (
    _rule("chest", r"\bchest (?:pains?(?! au)|pressure|tightness|tight|discomfort|aches?|aching|"
                   r"hurts?|hurting|heaviness|squeez\w*|burning|is (?:tight|hurting|heavy|burning)|"
                   r"(?:feels?|felt) (?:tight|heavy|crushed|squeezed))\b"),
    _rule("chest", rf"\b(?:{PAIN}|pressure|tightness|discomfort|heaviness|squeezing) "
                   r"(?:in|on|across|around|behind) (?:my |the )?(?:chest|heart|breastbone)\b"),
    _rule("chest", r"\bheart attack\b|\belephant (?:on|sitting on) my chest\b"),
    _rule("chest", r"\b(?:pain|numbness|tingling) (?:is )?(?:spread\w*|radiat\w*|going|shooting|moving) "
                   r"(?:down|into|to|up) (?:my )?(?:left )?(?:arm|jaw|neck)\b"),
    _rule("faint", r"\bfaint(?:ed|ing|ness|ish)?\b"),
    _rule("faint", r"\b(?:pass|passed|passing|passes) out\b"),
    _rule("faint", r"\b(?:black|blacked|blacking) out\b|\b(?:had|have|having|get|getting) (?:a )?blackouts?\b"),
    _rule("faint", r"\b(?:lost|lose|losing) consciousness\b|\bunconscious\b"),
    _rule("faint", r"\b(?:i|he|she|we|nearly|almost|just) collapsed\b"),
    _rule("faint", r"\bvision (?:went|goes|going|turned) (?:black|dark|white|grey|gray)\b"),
    _rule("numbness", r"\bnumb(?:ness)?\b"),
    _rule("numbness", r"\bsudden(?:ly)? (?:feel |felt |went |got )?(?:weak|weakness|numb|tingling|paralys\w*)\b"),
    _rule("numbness", r"\b(?:face|mouth|smile) (?:is |was |started )?droop\w*\b|\bdroop\w* (?:face|mouth)\b"),
    _rule("numbness", r"\bslurr\w* (?:speech|words|my words)\b|\bspeech (?:is |was )?slurr\w*\b"),
    _rule("numbness", rf"\b{CANT} (?:feel|move|lift) my (?:left |right )?(?:arm|arms|leg|legs|face|hand|hands|foot|feet)\b"),
    _rule("numbness", r"\b(?:one|left|right) side of my (?:body|face) (?:is |went |feels |felt )?"
                      r"(?:weak|numb|heavy|droopy)\b"),
    _rule("breathing", rf"\b{CANT} (?:breathe|breath|get (?:enough )?air)\b"),
    _rule("breathing", r"\b(?:trouble|difficulty|difficult|hard time|struggling|struggle|problems?) "
                       r"(?:breathing|to breathe|getting air)\b"),
    _rule("breathing", r"\b(?:short(?:ness)? of breath|breathless|catch my breath|out of breath)\b",
          also=r"\b(?:at rest|while resting|when resting|sitting still|sitting down|lying down|"
               r"at night|for hours|wont (?:go away|stop)|doesnt (?:go away|stop)|"
               r"even when (?:i|im) (?:resting|sitting|not))\b"),
    _rule("breathing", r"\bwheez\w*\b|\b(?:throat|airway) (?:is )?(?:closing|swelling|swollen)\b|"
                       r"\b(?:lips|fingers) (?:are |went |turning |turned )?(?:blue|purple)\b"),
    _rule("heart", r"\bpalpitations?\b|\barrhythmia\b|\birregular (?:heart ?beat|heart|pulse)\b|"
                   r"\bheart (?:is |was |keeps |kept )?(?:skipping|skipped|skips|fluttering|flutters|"
                   r"irregular|out of rhythm)\b"),
    _rule("heart", r"\b(?:heart|pulse|heart ?rate)\b.*\b(?:racing|raced|races|pounding|pounded|"
                   r"beating (?:so |really |very )?fast|through the roof)\b"
                   r"|\b(?:racing|pounding) (?:heart|pulse)\b",
          also=r"\b(?:dizzy|dizziness|light ?headed|woozy|spinning|faint|at rest|resting|"
               r"wont (?:slow|come down|stop)|doesnt (?:slow|come down|stop))\b"),
    _rule("heart", r"\bheart ?rate (?:wont|doesnt|will not|does not) (?:come|go) (?:back )?down\b"),
    _rule("headache", r"\b(?:sudden|severe|worst|thunderclap|splitting|crushing|blinding|explosive|"
                      r"excruciating|intense|terrible|horrible) (?:\w+ )?headaches?\b"),
    _rule("headache", r"\bheadaches?\b",
          also=r"\b(?:sudden|suddenly|worst|out of nowhere|explod\w*|blurr\w*|double vision|"
               r"stiff neck|vomit\w*|throwing up)\b"),
    _rule("urine", r"\b(?:dark|brown|cola|tea|black|red)(?: coloured| colored)? (?:urine|pee)\b|"
                   r"\b(?:urine|pee) (?:is |was |looks |looked |turned )?(?:dark brown|brown|cola|"
                   r"black|red|bloody)\b|\bblood in my (?:urine|pee)\b"),
    _rule("other", r"\b(?:coughing|cough|coughed|vomiting|throwing|threw) up blood\b|\bseizures?\b|"
                   r"\bheat ?stroke\b|\bstopped sweating\b|\b(?:having|had|have) a stroke\b"),
)

# Pain during exercise: after the harmful requests (see the module docstring).
_PAIN_FLAGS: tuple[_Rule, ...] = (
    _rule("pain", r"\b(?:severe|sharp|stabbing|shooting|excruciating|intense|unbearable|extreme|"
                  r"agoni[sz]ing|searing|sudden|terrible|awful|horrible|crippling) (?:\w+ )?"
                  r"(?:pain(?! au)|pains)\b"),
    _rule("pain", r"\bpain (?:is |keeps |has been |kept |was )?(?:getting worse|worsening|"
                  r"worse and worse|wont (?:stop|go away)|unbearable|severe)\b"),
    _rule("pain", r"\b(?:heard|felt) (?:a |something |some )?(?:pop|popping|snap|snapping|tear|rip|crack)\b|"
                  r"\bsomething (?:popped|snapped|tore|ripped)\b"),
    _rule("pain", rf"\b{CANT} (?:put (?:any )?weight on|bear weight on|walk on|straighten|bend) (?:my|it)\b"),
)

_WEIGHT_GOAL = (r"\b(?:weigh ?in|make weight|making weight|made weight|weight class|cut weight|"
                r"cutting weight|lose weight|losing weight|drop weight|lose \d+|drop \d+|cut \d+|"
                r"weight cut|pounds|lbs|kilos|kg)\b")
_DRUG_NAMES = (r"(?:steroids?|anabolics?|aas|trenbolone|tren|testosterone|test (?:e|c|cyp|"
               r"enanthate|cypionate|prop)|deca|nandrolone|dianabol|d ?bol|anavar|oxandrolone|"
               r"winstrol|winny|stanozolol|sarms?|ostarine|mk ?677|mk ?2866|rad ?140|lgd ?4033|"
               r"cardarine|clenbuterol|clen|hgh|growth hormone|peds?|performance enhancing drugs?|"
               r"dnp|epo|turinabol|primobolan|masteron|equipoise)")
_HARMFUL: tuple[_Rule, ...] = (
    _rule("fasting", rf"\b(?:not|dont|didnt|wont|stop|stopped|quit|without|avoid|skip|skipping|no) (?:eat|eating|food)"
                     rf"(?: anything| any food| at all)? (?:for )?{NUMBER_WORD}? ?(?:full |whole |entire )?"
                     r"(?:days?|weeks?)\b"),
    _rule("fasting", rf"\b{NUMBER_WORD} (?:full |whole )?(?:days?|weeks?) (?:without|with no) "
                     r"(?:eating|food|any food|eating anything|meals)\b"),
    _rule("fasting", rf"\b(?:fast|fasting|fasted) (?:for )?{NUMBER_WORD} (?:full |whole )?"
                     r"(?:days|weeks)\b|\b(?:fast|fasting|fasted) for (?:a|one|an entire|a whole) week\b"),
    _rule("fasting", r"\b(?:\d+|two|three|four|five|six|seven|multi) ?(?:day|week)s? (?:water |juice )?"
                     r"(?:fast|fasts|fasting|cleanse)\b"),
    _rule("fasting", r"\b(?:water|dry|juice) fast(?:s|ing)?\b|\bstarv(?:e|ing) (?:myself|yourself)\b|"
                     r"\bstarvation diet\b|\beat(?:ing)? nothing\b"),
    _rule("pain_through", rf"\b(?:train|training|trained|lift|lifting|work ?out|working out|run|"
                          r"running|squat|squatting|bench|benching|deadlift\w*|exercise|exercising|"
                          r"play|playing|push|pushing|power|powering|grind|grinding|keep going|"
                          r"continue|continuing|carry on|go|keep)\b(?: \w+){0,4} (?:through|thru|past|"
                          r"despite) (?:the |a |an |my |this |that |some |any )?(?:\w+ ){0,2}"
                          rf"(?:{PAIN}|injury|injuries|injured|tear|torn|strain|sprain|sprained|"
                          r"fracture|fractured|broken)\b"),
    _rule("pain_through", rf"\bignor(?:e|ing) (?:the |my |this |that )?(?:\w+ )?(?:{PAIN}|injury)\b"),
    _rule("pain_through", r"\b(?:train|lift|run|squat|bench|work ?out|exercise|play|keep training)\w* "
                          r"(?:on|with) (?:a |an |my )?(?:\w+ )?(?:broken|fractured|torn|sprained) \w+"),
    _rule("pain_through", r"\b(?:painkillers?|pain killers?|ibuprofen|cortisone|numbing)\b",
          also=r"\b(?:so i can|to keep|to train|to lift|before (?:training|lifting|i train|i lift)|"
               r"and (?:train|lift|keep))\b"),
    _rule("dehydration", r"\bdehydrat\w*\b", also=rf"{_WEIGHT_GOAL}|\bdehydrat\w* (?:myself|yourself)\b",
          unless=r"\b(?:avoid|prevent|preventing|stop getting|not get|without getting|signs of|"
                 r"symptoms of|stay hydrated)\b"),
    _rule("dehydration", r"\bwater ?(?:cut|cutting|loading)\b|\b(?:diuretics?|water pills?)\b"),
    _rule("dehydration", r"\b(?:stop|stopped|quit|not|without|avoid|skip|cut|cutting|limit|restrict\w*|no) "
                         r"(?:drinking )?(?:any )?(?:water|fluids|liquids)\b", also=_WEIGHT_GOAL),
    _rule("dehydration", r"\b(?:sauna suit|sweat suit|plastic bag|trash bag|bin bag|spit\w*|sweat\w* "
                         r"(?:it )?(?:off|out))\b", also=_WEIGHT_GOAL),
    _rule("drugs", rf"\b{_DRUG_NAMES}\b",
          also=r"\b(?:dose|doses|dosing|dosage|cycle|cycles|cycling|stack|stacking|mg|mcg|iu|ml|cc|"
               r"inject\w*|pin|pinning|jab|take|taking|took|run|running|start|starting|use|using|"
               r"buy|buying|order|source|get|getting|pct|blast|cruise|how much|how many|should i|"
               r"can i|where|first|beginner|safe)\b",
          unless=r"\bnatural(?:ly)?\b|\b(?:lifting|training|exercise|workouts?|sleep|squats?|diet|"
                 r"food|foods) (?:raise|raises|increase|increases|boost|boosts|affect|affects|"
                 r"lower|lowers)\b"),
    _rule("no_rest", r"\b(?:no|zero|without|skip|skipping|never take|never taking|never need|dont need|"
                     r"do not need|dont take|dont want) (?:any )?(?:rest|recovery|off) days?\b"),
    _rule("no_rest", r"\bnever (?:rest|take a day off|take days off|(?:have|take) (?:a )?rest days?)\b"),
    _rule("no_rest", r"\b(?:every|each) (?:single )?day\b|\b(?:7|seven) days a week\b|\bdaily\b",
          also=r"\b(?:no|without|never|zero|skip\w*) (?:a )?(?:rest|break|breaks|day off|days off|"
               r"recovery)\b"),
    _rule("purging", r"\bpurg(?:e|es|ed|ing)\b|\b(?:make|making|made) (?:myself|me) (?:throw up|vomit|"
                     r"sick|puke)\b"),
    _rule("purging", r"\b(?:throw|throwing|threw|vomit|vomiting|puke|puking) (?:up )?(?:\w+ ){0,3}"
                     r"(?:on purpose|deliberately|to lose weight|to get rid of|so i dont gain|"
                     r"after (?:a )?binge\w*)\b"),
    _rule("purging", r"\blaxatives?\b", also=r"\b(?:lose|losing|weight|cut|cutting|after eating|binge|"
                                             r"calories|flat stomach|abs|lean|slim)\b"),
)

_KCAL = re.compile(r"\b(\d{2,4}) ?(?:kcals?|k cals?|cals?|calories|calorie)\b")
_DAILY = re.compile(r"\b(?:a|per|each|every) day\b|\bdaily\b|\bday\b|\bonly\b|\bdiet\b|"
                    r"\beat(?:ing)?\b|\bintake\b|\bliving on\b|\bsurvive on\b")
_NOT_INTAKE = re.compile(r"\b(?:burn|burns|burned|burnt|burning|deficit|surplus|snack|meal|shake|"
                         r"bar|breakfast|lunch|dinner|workout|session|run|walk|ride|class|cardio|"
                         r"less|fewer|under maintenance|below maintenance)\b")
_HOUR_FAST = re.compile(r"\b(\d{2,3}) ?(?:hours?|hrs?|h) (?:water |dry |juice )?(?:fast|fasting|"
                        r"without (?:eating|food))\b")


def _very_low_calories(text: str) -> bool:
    amounts = [int(m.group(1)) for m in _KCAL.finditer(text)]
    low = [a for a in amounts if 0 < a < MIN_DAILY_KCAL]
    return bool(low) and len(low) == len(amounts) and _DAILY.search(text) is not None \
        and _NOT_INTAKE.search(text) is None


def _long_fast(text: str) -> bool:
    return any(int(m.group(1)) >= MIN_LONG_FAST_HOURS for m in _HOUR_FAST.finditer(text))


_NUMERIC_HARMFUL: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("low_calories", _very_low_calories),
    ("fasting", _long_fast),
)


# --- the replies ----------------------------------------------------------------------------

_SYMPTOM = {
    "chest": "Chest pain, pressure or tightness",
    "faint": "Fainting, nearly fainting or blacking out",
    "numbness": "Sudden numbness or weakness",
    "breathing": "Trouble breathing that isn't ordinary breathlessness from effort",
    "heart": "A racing or irregular heartbeat, especially with dizziness",
    "headache": "A sudden, severe headache",
    "urine": "Dark or bloody urine after training",
    "pain": "Severe or worsening pain, or a pop or snap, during exercise",
    "other": "What you describe",
}

EMERGENCY_NUMBERS = "112 in Europe, 911 in the US and Canada, 999 in the UK, 000 in Australia"


def _medical_reply(topic: str) -> str:
    symptom = _SYMPTOM.get(topic, _SYMPTOM["other"])
    return (
        f"**Please stop exercising now.** {symptom} can be a sign of something serious, and it "
        "needs medical attention, not a workout.\n\n"
        "- **If it is happening now, is severe or came on suddenly, call your local emergency "
        f"number** ({EMERGENCY_NUMBERS}) or have someone take you to the nearest emergency "
        "department. Don't drive yourself.\n"
        "- If it has passed, still see a doctor soon and tell them what you felt and what you "
        "were doing at the time.\n"
        "- Sit or lie down, stay with someone if you can, and don't go back to your workout "
        "until a doctor has cleared you.\n\n"
        "I'm a fitness coach, not a doctor, so I won't give exercise advice for this. Once "
        "you've been checked and cleared, I'll gladly help you plan a careful return."
    )


_HARMFUL_REPLY = {
    "fasting": (
        "I can't help you go days without eating. Long fasts cost muscle as well as fat, and "
        "training on an empty tank brings dizziness and fainting - under a barbell that is "
        "dangerous.",
        "eat a moderate deficit of about 300-500 kcal a day below maintenance, keep protein "
        "high (about 1.6 g per kg of body weight), and aim to lose 0.5-1 % of your body weight "
        "a week. Keep training: it keeps the muscle while the fat goes. A doctor or registered "
        "dietitian can supervise anything more aggressive.",
    ),
    "low_calories": (
        f"I can't recommend eating under about {MIN_DAILY_KCAL} kcal a day: that is a "
        "very-low-calorie diet, which belongs under medical supervision. It costs muscle, "
        "energy and training quality, and the weight tends to come back.",
        "eat a moderate deficit of about 300-500 kcal a day below maintenance, keep protein "
        "high (about 1.6 g per kg of body weight), and aim to lose 0.5-1 % of your body weight "
        "a week. A registered dietitian can set the numbers with you.",
    ),
    "pain_through": (
        "I won't coach you to train through an injury or sharp pain. Pain is the signal to "
        "stop: pushing through it turns a small problem into a long lay-off.",
        "stop the exercise that hurts and train what doesn't - add the injured area to your "
        "profile and Vigor will swap in exercises that avoid it. See a physiotherapist or "
        "doctor for sharp pain, swelling, a pop or pain that lasts. Ordinary muscle soreness "
        "(dull, on both sides, fading within two or three days) is different and fine to "
        "train around.",
    ),
    "dehydration": (
        "I can't help you dehydrate to make weight. Cutting water strains your kidneys and "
        "heart, raises the risk of heat illness and fainting, and makes you weaker on the day.",
        "reach your class gradually over several weeks with a modest calorie deficit "
        "(0.5-1 % of body weight a week), stay well hydrated, or compete in the class you "
        "walk around in. A sports dietitian can plan a safe weigh-in.",
    ),
    "drugs": (
        "I can't give doses, cycles or sources for steroids, SARMs or other "
        "performance-enhancing drugs. They carry real risks to the heart, liver, hormones and "
        "mood, and many are illegal without a prescription.",
        "the big levers are free: progressive training you log and beat, enough protein, and "
        "seven to nine hours of sleep. If you think your hormones are low for a medical "
        "reason, a doctor can test and treat that properly.",
    ),
    "no_rest": (
        "I won't recommend training with no rest days - least of all when you're starting "
        "out. Muscles and joints adapt between sessions, and going without rest is how "
        "beginners get hurt and burn out.",
        "train three or four days a week with at least one full rest day, and on the other "
        "days walk or do light mobility work. That keeps the daily habit without piling up "
        "fatigue.",
    ),
    "purging": (
        "I can't help with purging or using laxatives to control weight. They are dangerous "
        "for your heart and gut and don't remove the calories you think they do.",
        "eat regular meals with protein and train for strength - and if food or weight feels "
        "out of control, please talk to a doctor or an eating-disorder helpline (NEDA in the "
        "US, Beat in the UK). You deserve support, not just a plan.",
    ),
}


def _harmful_reply(topic: str) -> str:
    reason, alternative = _HARMFUL_REPLY[topic]
    return f"{reason}\n\n**A safer way instead:** {alternative}"


# --- the screen -----------------------------------------------------------------------------


def screen(message: str) -> SafetyVerdict:
    """The verdict on one message from the person (see the module docstring)."""
    text = normalise(message)
    if not text:
        return SafetyVerdict(OK)
    for rule in _RED_FLAGS:
        if rule.matches(text):
            return SafetyVerdict(MEDICAL, _medical_reply(rule.topic), rule.topic)
    for rule in _HARMFUL:
        if rule.matches(text):
            return SafetyVerdict(HARMFUL, _harmful_reply(rule.topic), rule.topic)
    for topic, check in _NUMERIC_HARMFUL:
        if check(text):
            return SafetyVerdict(HARMFUL, _harmful_reply(topic), topic)
    for rule in _PAIN_FLAGS:
        if rule.matches(text):
            return SafetyVerdict(MEDICAL, _medical_reply(rule.topic), rule.topic)
    return SafetyVerdict(OK)


# --- text an AI wrote -----------------------------------------------------------------------
#
# The person's screen reads a question; here we read an answer, so the medical rules are not
# used (an AI that names chest pain in a warning is doing its job) and a harmful rule only
# counts where the text recommends the practice, not where it warns against it.

_PRACTICE = {
    "fasting": "going days without eating",
    "low_calories": f"eating under {MIN_DAILY_KCAL} kcal a day",
    "pain_through": "training through pain or an injury",
    "dehydration": "dehydrating to make weight",
    "drugs": "steroids or other performance-enhancing drugs",
    "no_rest": "training with no rest days",
    "purging": "purging or laxatives",
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
_ADVICE_ONLY: tuple[_Rule, ...] = (
    _rule("drugs", rf"\b(?:take|taking|use|using|run|running|start|starting|try|trying|add|adding|"
                   rf"buy|buying|order|ordering|hop on|get on|go on|jump on|inject|injecting)\b"
                   rf"(?: \w+){{0,3}}? {_DRUG_NAMES}\b"),
    _rule("drugs", r"\btest (?:only )?(?:cycles?|blasts?|base|and cruise|injections?|doses?)\b|"
                   r"\b(?:cycles?|blast|mg|ml|cc)(?: of)? test\b"),
    _rule("pain_through", rf"\bignor(?:e|ing) (?:the |your |this |that |any )?(?:\w+ ){{0,2}}"
                          rf"(?:{PAIN}|injury|injuries)\b"),
    _rule("dehydration", r"\bdehydrat(?:e|ing) (?:yourself )?(?:down|before (?:the |your )?"
                         r"(?:weigh|meet|fight|show))\w*"),
    _rule("dehydration", r"\b(?:cut|cutting|stop|stopping|restrict\w*|limit\w*|drop|dropping) "
                         r"(?:all |your |back on |out |off )?(?:water|fluids|liquids|fluid intake|"
                         r"water intake)\b", also=_WEIGHT_GOAL),
    _rule("no_rest", r"\bnever (?:take|taking|need|needing|have|having|schedule|plan) "
                     r"(?:a |any )?(?:rest|recovery|off) days?\b|"
                     r"\brest days? (?:are|is) (?:for the weak|for wimps|unnecessary|optional|"
                     r"overrated|a waste)\b"),
)
# Claims whose own words are a negation ("rest days aren't necessary"): a negation inside the
# match does not count for these.
_ADVICE_NEGATED_CLAIMS: tuple[_Rule, ...] = (
    _rule("no_rest", r"\b(?:rest|recovery|off) days? (?:arent|isnt|are not|is not) (?:really )?"
                     r"(?:necessary|needed|required|important|essential)\b"),
)
_ADVICE_RULES: tuple[_Rule, ...] = tuple(
    replace(rule, also=_DOSING) if rule.topic == "drugs" and rule.also is not None else rule
    for rule in _HARMFUL) + _ADVICE_ONLY + _ADVICE_NEGATED_CLAIMS

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
    if not _very_low_calories(clause) or _NOT_DAILY_INTAKE.search(clause):
        return None
    for match in _DAILY_INTAKE.finditer(clause):
        if 0 < int(match.group(1) or match.group(2)) < MIN_DAILY_KCAL:
            return match
    return None


def _long_fast_advice(clause: str) -> re.Match[str] | None:
    for match in _HOUR_FAST.finditer(clause):
        if int(match.group(1)) >= MIN_LONG_FAST_HOURS:
            return match
    return None


_ADVICE_NUMERIC: tuple[tuple[str, Callable[[str], re.Match[str] | None]], ...] = (
    ("low_calories", _low_calorie_advice),
    ("fasting", _long_fast_advice),
)
# Any rule at all, in one expression: finds the clauses worth judging.
_ADVICE_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in (
    *(rule.pattern for rule in _ADVICE_RULES), _KCAL, _HOUR_FAST)))


class _Clause:
    """One clause of an AI's sentence; its negations and warnings are found on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._negation_end: int | None = None
        self._warning_span: tuple[int, int] | None = None

    def _find_cues(self) -> None:
        if self._negation_end is None:
            negation = _NEGATION.search(self.text)
            self._negation_end = negation.end() if negation else len(self.text) + 1
            warnings = list(_WARNING.finditer(self.text))
            self._warning_span = (warnings[0].start(), warnings[-1].end()) if warnings else None

    def recommends(self, match: re.Match[str], inner: bool = True) -> bool:
        """Whether this harmful match is recommended rather than negated or warned against
        (`inner`: a negation inside the match, after its first word, counts too)."""
        self._find_cues()
        text, start, end = self.text, match.start(), match.end()
        if self._negation_end <= start:  # "never train through pain"
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
        match = find(text)
        if match is not None and clause.recommends(match):
            return topic
    return None


def _withheld_reply(topic: str) -> str:
    return (f"This reply was withheld because it recommended {_PRACTICE[topic]}. "
            f"A safer way instead: {_HARMFUL_REPLY[topic][1]}")


def screen_advice(text: str) -> SafetyVerdict:
    """The verdict on text an AI wrote: HARMFUL (topic set, reply = a short sentence saying
    the advice was withheld, then the safer way from ``_HARMFUL_REPLY``) when it recommends a
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
