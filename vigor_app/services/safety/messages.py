"""The coach's safety rules: red-flag symptoms and harmful requests, screened before any answer.

`screen(message)` reads one message from the person and returns a `SafetyVerdict`:

- ``medical``: the message describes a red-flag symptom (chest pain or pressure, fainting or
  nearly fainting, sudden numbness or weakness, trouble breathing that is not ordinary
  breathlessness from effort, a racing or irregular heartbeat with dizziness, a sudden
  severe headache, dark urine after training, severe or worsening pain or a pop during
  exercise). The reply tells the person to stop and get medical care now, with emergency
  numbers, and gives no training advice at all.
- ``harmful``: the message asks for a harmful practice (fasting for days or "not eating" to
  lose weight, eating under ``MIN_DAILY_KCAL``, losing more than ``MAX_WEEKLY_LOSS_KG`` a
  week, training through an injury or sharp pain, dehydrating to make weight, dosing or
  sourcing steroids or other performance-enhancing drugs, never taking a rest day, purging).
  The reply declines and offers a safer way to the same goal. Words of self-harm or suicide
  come first of all: the reply is a caring one, with where to get help now.
- ``ok``: anything else; ``reply`` is None and the coach answers normally.

How messages are read: the text is case-folded, apostrophes inside words are dropped
("can't" -> "cant") and every other punctuation mark becomes a space, so "My CHEST hurts!!"
and "my chest hurts" read the same. Rules are word-bounded regular expressions, some with a
second expression that must also match (``also``: a racing heart *with* dizziness) or must
not (``unless``: "avoid dehydrating"). Words that only look alarming stay ``ok``: "chest
day", "chest press", "sore legs after squats" (muscle soreness is not pain), "out of breath
after sprints", "pain au chocolat", "a 500 kcal deficit".

Order: self-harm first, then the acute red flags (a person with chest pain who asks to train through it
needs a doctor, not a lecture), then harmful requests (so "should I train through the sharp
pain?" is declined with an alternative), then pain during exercise.

Text an AI provider wrote is screened by ``advice_screen.screen_advice``, with the harmful
rules and replies kept here (``HARMFUL_RULES``, ``HARMFUL_REPLY``).

`SYSTEM_RULES` is the same policy in words, for the system prompt of every AI request.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from vigor_app.services.safety.replies import SELF_HARM_REPLY, medical_reply
from vigor_app.services.safety.spelling import spelled

OK = "ok"
MEDICAL = "medical"
HARMFUL = "harmful"
MIN_DAILY_KCAL = 800  # below this a diet needs medical supervision
MIN_LONG_FAST_HOURS = 48  # fasts this long or longer are "days without eating"
MAX_WEEKLY_LOSS_KG = 2.0  # faster than this is a crash (safe loss is 0.5-1 % of body weight a week)

SYSTEM_RULES = (
    "Safety rules (always follow them, whatever the person asks): You are a fitness coach, "
    "not a doctor; never diagnose or treat. If the person describes chest pain or pressure, "
    "fainting or nearly fainting, sudden numbness or weakness, trouble breathing that is not "
    "normal breathlessness from effort, a racing or irregular heartbeat with dizziness, a "
    "sudden severe headache, dark urine after training, or severe or worsening pain or a pop "
    "during exercise, tell them to stop exercising and get medical care now (their local "
    "emergency number if it is severe or sudden) and give no training advice. If they speak of "
    "harming themselves or of suicide, answer with care and point them to their local emergency "
    "number or a crisis line now. Decline, kindly and briefly, to help with fasting for days or "
    "not eating to lose weight, eating under 800 kcal a day, losing more than 2 kg a week, "
    "training through "
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
class Rule:
    topic: str
    pattern: re.Pattern[str]
    also: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        return (self.pattern.search(text) is not None
                and (self.also is None or self.also.search(text) is not None)
                and (self.unless is None or self.unless.search(text) is None))


def make_rule(topic: str, pattern: str, also: str | None = None, unless: str | None = None) -> Rule:
    return Rule(topic, re.compile(pattern), re.compile(also) if also else None,
                 re.compile(unless) if unless else None)


CANT = r"(?:cant|cannot|can not|couldnt|could not|unable to)"
PAIN = r"(?:pain(?! au)|pains|ache|aches|aching|hurts?|hurting)"
NUMBER_WORD = r"(?:\d+|a few|few|several|two|three|four|five|six|seven|multiple|many|a couple(?: of)?)"

# Acute red flags: checked first.
_RED_FLAGS: tuple[Rule, ...] = (
    make_rule("chest", r"\bchest (?:pains?(?! au)|pressure|tightness|tight|discomfort|aches?|aching|"
                   r"hurts?|hurting|heaviness|squeez\w*|burning|is (?:tight|hurting|heavy|burning)|"
                   r"(?:feels?|felt) (?:tight|heavy|crushed|squeezed))\b"),
    make_rule("chest", rf"\b(?:{PAIN}|pressure|tightness|discomfort|heaviness|squeezing) "
                   r"(?:in|on|across|around|behind) (?:my |the )?(?:chest|heart|breastbone)\b"),
    make_rule("chest", r"\bheart attack\b|\belephant (?:on|sitting on) my chest\b"),
    make_rule("chest", r"\b(?:pain|numbness|tingling) (?:is )?(?:spread\w*|radiat\w*|going|shooting|moving) "
                   r"(?:down|into|to|up) (?:my )?(?:left )?(?:arm|jaw|neck)\b"),
    make_rule("faint", r"\bfaint(?:ed|ing|ness|ish)?\b"),
    make_rule("faint", r"\b(?:pass|passed|passing|passes) out\b"),
    make_rule("faint", r"\b(?:black|blacked|blacking) out\b|\b(?:had|have|having|get|getting) (?:a )?blackouts?\b"),
    make_rule("faint", r"\b(?:lost|lose|losing) consciousness\b|\bunconscious\b"),
    make_rule("faint", r"\b(?:i|he|she|we|nearly|almost|just) collapsed\b"),
    make_rule("faint", r"\b(?:vision|everything|it all|the world|eyesight) (?:went|goes|going|turned|turns) "
                   r"(?:black|dark|white|grey|gray)\b"),
    make_rule("faint", r"\bcollaps(?:ed|ing)\b", unless=r"\b(?:arch|arches|lung|knees? collaps\w* in|knee cave)\b"),
    make_rule("numbness", r"\bnumb(?:ness)?\b"),
    make_rule("numbness", r"\bsudden(?:ly)? (?:feel |felt |went |got )?(?:weak|weakness|numb|tingling|paralys\w*)\b"),
    make_rule("numbness", r"\b(?:face|mouth|smile) (?:is |was |started )?droop\w*\b|\bdroop\w* (?:face|mouth)\b"),
    make_rule("numbness", r"\b(?:tingl\w*|numb\w*|weak\w*|pins and needles) (?:down|on|in|along|all (?:down|along)) "
                      r"(?:one|the left|the right|my left|my right) side\b"),
    make_rule("numbness", r"\bslurr\w* (?:speech|words|my words)\b|\bspeech (?:is |was )?slurr\w*\b"),
    make_rule("numbness", rf"\b{CANT} (?:feel|move|lift) my (?:left |right )?(?:arm|arms|leg|legs|face|hand|hands|foot|feet)\b"),
    make_rule("numbness", r"\b(?:one|left|right) side of my (?:body|face) (?:is |went |feels |felt )?"
                      r"(?:weak|numb|heavy|droopy)\b"),
    make_rule("breathing", rf"\b{CANT} (?:breathe|breath|get (?:enough )?air)\b"),
    make_rule("breathing", r"\b(?:trouble|difficulty|difficult|hard time|struggling|struggle|problems?) "
                       r"(?:breathing|to breathe|getting air)\b"),
    make_rule("breathing", r"\b(?:short(?:ness)? of breath|breathless|catch my breath|out of breath)\b",
          also=r"\b(?:at rest|while resting|when resting|sitting still|sitting down|lying down|"
               r"at night|for hours|wont (?:go away|stop)|doesnt (?:go away|stop)|"
               r"even when (?:i|im) (?:resting|sitting|not))\b"),
    make_rule("breathing", r"\bwheez\w*\b|\b(?:throat|airway) (?:is )?(?:closing|swelling|swollen)\b|"
                       r"\b(?:lips|fingers) (?:are |went |turning |turned )?(?:blue|purple)\b"),
    make_rule("heart", r"\bpalpitations?\b|\barrhythmia\b|\birregular (?:heart ?beat|heart|pulse)\b|"
                   r"\bheart (?:is |was |keeps |kept )?(?:skipping|skipped|skips|fluttering|flutters|"
                   r"irregular|out of rhythm)\b"),
    make_rule("heart", r"\b(?:heart|pulse|heart ?rate)\b.*\b(?:racing|raced|races|pounding|pounded|"
                   r"beating (?:so |really |very )?fast|through the roof)\b"
                   r"|\b(?:racing|pounding) (?:heart|pulse)\b",
          also=r"\b(?:dizzy|dizziness|light ?headed|woozy|spinning|faint|at rest|resting|"
               r"wont (?:slow|come down|stop)|doesnt (?:slow|come down|stop))\b"),
    make_rule("heart", r"\bheart ?rate (?:wont|doesnt|will not|does not) (?:come|go) (?:back )?down\b"),
    make_rule("headache", r"\b(?:sudden|severe|worst|thunderclap|splitting|crushing|blinding|explosive|"
                      r"excruciating|intense|terrible|horrible) (?:\w+ )?headaches?\b"),
    make_rule("headache", r"\bheadaches?\b",
          also=r"\b(?:sudden|suddenly|worst|out of nowhere|explod\w*|blurr\w*|double vision|"
               r"stiff neck|vomit\w*|throwing up)\b"),
    make_rule("urine", r"\b(?:dark|brown|cola|tea|black|red)(?: coloured| colored)? (?:urine|pee)\b|"
                   r"\b(?:urine|pee) (?:is |was |looks |looked |turned )?(?:dark brown|brown|cola|"
                   r"black|red|bloody)\b|\bblood in my (?:urine|pee)\b|"
                   r"\b(?:urine|pee) (?:is|was|looks|looked|turned|went|getting)(?: \w+)? "
                   r"(?:dark|brown|black|red|cola)\b"),
    make_rule("other", r"\b(?:coughing|cough|coughed|vomiting|throwing|threw) up blood\b|\bseizures?\b|"
                   r"\bheat ?stroke\b|\bstopped sweating\b|\b(?:having|had|have) a stroke\b"),
)

_SELF_HARM: tuple[Rule, ...] = (
    make_rule("self_harm", r"\b(?:hurt|hurting|harm|harming|cut|cutting|punish|punishing) myself "
                       r"(?:on purpose|deliberately)\b|\bhate myself\b|\b(?:want|wanna|wish i could) "
                       r"(?:to )?(?:disappear|not exist|not be here)\b"),
    make_rule("self_harm", r"\b(?:kill|killing|harm|harming|cut|cutting|hurt|hurting) (?:myself|my self)\b"
                       r"|\bself ?harm\w*\b|\bsuicid\w*\b|\b(?:end|ending|ended) (?:my (?:own )?life|it all)\b"
                       r"|\b(?:want|wanted|wanting) to die\b|\bwish i (?:was|were) dead\b"
                       r"|\bdont want to (?:live|be alive|be here anymore|wake up)\b|\bno reason to live\b",
              unless=r"\bhurt(?:ing)? myself (?:doing|during|on|while|when|at|in|lifting|training|squatting|"
                     r"benching|deadlifting|running)\b"),
)

# Pain during exercise: after the harmful requests (see the module docstring).
_PAIN_FLAGS: tuple[Rule, ...] = (
    make_rule("pain", r"\b(?:severe|sharp|stabbing|shooting|excruciating|intense|unbearable|extreme|"
                  r"agoni[sz]ing|searing|sudden|terrible|awful|horrible|crippling) (?:\w+ )?"
                  r"(?:pain(?! au)|pains)\b"),
    make_rule("pain", r"\bpain (?:is |keeps |has been |kept |was )?(?:getting worse|worsening|"
                  r"worse and worse|wont (?:stop|go away)|unbearable|severe)\b"),
    make_rule("pain", r"\b(?:heard|felt) (?:a |something |some )?(?:pop|popping|snap|snapping|tear|rip|crack)\b|"
                  r"\bsomething (?:popped|snapped|tore|ripped)\b"),
    make_rule("pain", r"\b(?:pop|popped|popping|snap|snapped|crack|cracked|cracking|tear|tore|clunk)\b",
              also=r"\b(?:swollen|swelling|swelled|bruis\w*|painful|agony|cant (?:move|bend|straighten))\b"),
    make_rule("pain", r"\bswoll?en\b", also=rf"\b(?:{PAIN}|painful|agony)\b"),
    make_rule("pain", rf"\b{CANT} (?:put (?:any )?weight on|bear weight on|walk on|straighten|bend) (?:my|it)\b"),
)

WEIGHT_GOAL = (r"\b(?:weigh ?in|make weight|making weight|made weight|weight class|cut weight|"
                r"cutting weight|lose weight|losing weight|drop weight|lose \d+\w*|drop \d+\w*|cut \d+\w*|"
                r"weight cut|pounds|lbs|kilos|kg)\b")
DRUG_NAMES = (r"(?:steroids?|anabolics?|aas|trenbolone|tren|testosterone|test (?:e|c|cyp|"
               r"enanthate|cypionate|prop)|deca|nandrolone|dianabol|d ?bol|anavar|oxandrolone|"
               r"winstrol|winny|stanozolol|sarms?|ostarine|mk ?677|mk ?2866|rad ?140|lgd ?4033|"
               r"cardarine|clenbuterol|clen|hgh|growth hormone|peds?|performance enhancing drugs?|"
               r"dnp|epo|turinabol|primobolan|masteron|equipoise|roids|juicing|gear cycle)")
HARMFUL_RULES: tuple[Rule, ...] = (
    make_rule("fasting", rf"\b(?:not|dont|didnt|wont|stop|stopped|quit|without|avoid|skip|skipping|no) (?:eat|eating|food)"
                     rf"(?: anything| any food| at all)? (?:for )?{NUMBER_WORD}? ?(?:full |whole |entire )?"
                     r"(?:days?|weeks?)\b"),
    make_rule("fasting", rf"\b{NUMBER_WORD} (?:full |whole )?(?:days?|weeks?) (?:without|with no) "
                     r"(?:eating|food|any food|eating anything|meals)\b"),
    make_rule("fasting", rf"\b(?:fast|fasting|fasted) (?:for )?{NUMBER_WORD} (?:full |whole )?"
                     r"(?:days|weeks)\b|\b(?:fast|fasting|fasted) for (?:a|one|an entire|a whole) week\b"),
    make_rule("fasting", r"\b(?:\d+|two|three|four|five|six|seven|multi) ?(?:day|week)s? (?:water |juice )?"
                     r"(?:fast|fasts|fasting|cleanse)\b"),
    make_rule("fasting", r"\b(?:not|stop|stopping|stopped|quit|quitting|without|no longer|barely|never) "
                     r"(?:eat|eating)(?: anything| at all| any food| food| meals)?"
                     r"(?= (?:for|at all|to|and|so|in|by|until|till|anymore|any more)\b|$)",
              also=WEIGHT_GOAL),
    make_rule("fasting", r"\bcrash diet\w*\b|\b(?:stop|quit) eating\b(?! (?:after|before|late|at|junk|sugar|"
                     r"carbs|meat|dairy|gluten|processed|fast food|sweets|snacks|bread|out)\b)"),
    make_rule("fasting", rf"\bonly (?:drinking|drink|drank|having|have|had|on) (?:water|juice|tea|coffee|"
                     rf"shakes)\b(?: \w+){{0,3}} (?:for )?{NUMBER_WORD} (?:full |whole )?(?:days|weeks)\b"),
    make_rule("fasting", r"\b(?:water|dry|juice) fast(?:s|ing)?\b|\bstarv(?:e|ing) (?:myself|yourself)\b|"
                     r"\bstarvation diet\b|\beat(?:ing)? nothing\b"),
    make_rule("pain_through", rf"\b(?:train|training|trained|lift|lifting|work ?out|working out|run|"
                          r"running|squat|squatting|bench|benching|deadlift\w*|exercise|exercising|"
                          r"play|playing|push|pushing|power|powering|grind|grinding|keep going|"
                          r"continue|continuing|carry on|go|keep)\b(?: \w+){0,4} (?:through|thru|past|"
                          r"despite) (?:the |a |an |my |this |that |some |any )?(?:\w+ ){0,2}"
                          rf"(?:{PAIN}|injury|injuries|injured|tear|torn|strain|sprain|sprained|"
                          r"fracture|fractured|broken)\b"),
    make_rule("pain_through", r"\b(?:herniated|slipped|bulging|torn|ruptured|broken|fractured|sprained|"
                          r"dislocated)\b",
              also=r"\b(?:push|pushing|train|training|work|working|power|powering|grind|grinding|lift|lifting|"
                   r"squat\w*|deadlift\w*|bench\w*|run|running|play|playing) (?:through|thru|past|on it)\b|"
                   r"\b(?:keep|still|carry on) (?:training|lifting|deadlifting|squatting|running|going)\b"),
    make_rule("pain_through", rf"\bignor(?:e|ing) (?:the |my |this |that )?(?:\w+ )?(?:{PAIN}|injury)\b"),
    make_rule("pain_through", r"\b(?:train|lift|run|squat|bench|work ?out|exercise|play|keep training)\w* "
                          r"(?:on|with) (?:a |an |my )?(?:\w+ )?(?:broken|fractured|torn|sprained) \w+"),
    make_rule("pain_through", r"\b(?:painkillers?|pain killers?|ibuprofen|cortisone|numbing)\b",
          also=r"\b(?:so i can|to keep|to train|to lift|before (?:training|lifting|i train|i lift)|"
               r"and (?:train|lift|keep))\b"),
    make_rule("dehydration", r"\bdehydrat\w*\b", also=rf"{WEIGHT_GOAL}|\bdehydrat\w* (?:myself|yourself)\b",
          unless=r"\b(?:avoid|prevent|preventing|stop getting|not get|without getting|signs of|"
                 r"symptoms of|stay hydrated)\b"),
    make_rule("dehydration", r"\bwater ?(?:cut|cutting|loading)\b|\b(?:diuretics?|water pills?)\b"),
    make_rule("dehydration", r"\b(?:stop|stopped|quit|not|without|avoid|skip|cut|cutting|limit|restrict\w*|no) "
                         r"(?:drinking )?(?:any )?(?:water|fluids|liquids)\b", also=WEIGHT_GOAL),
    make_rule("dehydration", r"\b(?:sauna suit|sweat suit|plastic bag|trash bag|bin bag|spit\w*|sweat\w* "
                         r"(?:it )?(?:off|out))\b", also=WEIGHT_GOAL),
    make_rule("drugs", rf"\b{DRUG_NAMES}\b",
          also=r"\b(?:dose|doses|dosing|dosage|cycle|cycles|cycling|stack|stacking|mg|mcg|iu|ml|cc|"
               r"inject\w*|pin|pinning|jab|take|taking|took|run|running|start|starting|use|using|"
               r"buy|buying|order|source|get|getting|pct|blast|cruise|how much|how many|should i|"
               r"can i|where|first|beginner|safe)\b",
          unless=r"\bnatural(?:ly)?\b|\b(?:lifting|training|exercise|workouts?|sleep|squats?|diet|"
                 r"food|foods) (?:raise|raises|increase|increases|boost|boosts|affect|affects|"
                 r"lower|lowers)\b"),
    make_rule("no_rest", r"\b(?:no|zero|without|skip|skipping|never take|never taking|never need|dont need|"
                     r"do not need|dont take|dont want) (?:any )?(?:rest|recovery|off) days?\b"),
    make_rule("no_rest", r"\bnever (?:rest|take a day off|take days off|(?:have|take) (?:a )?rest days?)\b"),
    make_rule("no_rest", r"\b(?:every|each) (?:single )?day\b|\b(?:7|seven) days a week\b|\bdaily\b",
          also=r"\b(?:no|without|never|zero|skip\w*) (?:a )?(?:rest|break|breaks|day off|days off|"
               r"recovery)\b"),
    make_rule("purging", r"\bpurg(?:e|es|ed|ing)\b|\b(?:make|making|made) (?:myself|me) (?:throw up|vomit|"
                     r"sick|puke)\b"),
    make_rule("purging", r"\b(?:throw|throwing|threw|vomit|vomiting|puke|puking) (?:up )?(?:\w+ ){0,3}"
                     r"(?:on purpose|deliberately|to lose weight|to get rid of|so i dont gain|"
                     r"after (?:a )?binge\w*)\b"),
    make_rule("purging", r"\blaxatives?\b", also=r"\b(?:lose|losing|weight|cut|cutting|after eating|binge|"
                                             r"calories|flat stomach|abs|lean|slim)\b"),
)

KCAL = re.compile(r"\b(\d{2,4}) ?(?:kcals?|k cals?|cals?|calories|calorie)\b")
_DAILY = re.compile(r"\b(?:a|per|each|every) day\b|\bdaily\b|\bday\b|\bonly\b|\bdiet\b|"
                    r"\beat(?:ing)?\b|\bintake\b|\bliving on\b|\bsurvive on\b")
_NOT_INTAKE = re.compile(r"\b(?:burn|burns|burned|burnt|burning|deficit|surplus|snack|meal|shake|"
                         r"bar|breakfast|lunch|dinner|workout|session|run|walk|ride|class|cardio|"
                         r"less|fewer|under maintenance|below maintenance)\b")
HOUR_FAST = re.compile(r"\b(\d{2,3}) ?(?:hours?|hrs?|h) (?:water |dry |juice )?(?:fast|fasting|"
                        r"without (?:eating|food))\b")


ONE_MEAL_A_DAY = re.compile(r"\b(?:1|one|only one|a single) meal (?:of|with|at)?\b.*\b(?:a|per|each) day\b|"
                            r"\bomad\b")


def very_low_calories(text: str) -> bool:
    amounts = [int(m.group(1)) for m in KCAL.finditer(text)]
    low = [a for a in amounts if 0 < a < MIN_DAILY_KCAL]
    whole_day = ONE_MEAL_A_DAY.search(text) is not None  # "1 meal of 400 cals a day" is the day's food
    return bool(low) and len(low) == len(amounts) and _DAILY.search(text) is not None \
        and (whole_day or _NOT_INTAKE.search(text) is None)


FAST_LOSS = re.compile(
    r"\b(?:lose|losing|drop|dropping|shed|shedding|cut|cutting|get rid of) (\d+(?:\.\d+)?) ?"
    r"(kg|kgs|kilos?|kilograms?|lbs?|pounds?)(?: of (?:fat|weight))? (?:in|within|by next|over) "
    r"(?:(a|an|one|\d+|two|three|four|five|six|seven|ten|fourteen) )?(days?|weeks?)\b")
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "ten": 10, "fourteen": 14}


def too_fast_loss(text: str) -> bool:
    """Losing more than MAX_WEEKLY_LOSS_KG a week: "lose 10 kg in a week", "drop 15 lbs in 5 days"."""
    for found in FAST_LOSS.finditer(text):
        amount, unit, count, period = found.groups()
        kg = float(amount) * (0.45359237 if unit.startswith(("lb", "pound")) else 1.0)
        number = _COUNT_WORDS.get(count or "a") or (int(count) if count and count.isdigit() else 1)
        weeks = number * (1 / 7 if period.startswith("day") else 1)
        if weeks > 0 and kg / weeks > MAX_WEEKLY_LOSS_KG:
            return True
    return False


def _long_fast(text: str) -> bool:
    return any(int(m.group(1)) >= MIN_LONG_FAST_HOURS for m in HOUR_FAST.finditer(text))


_NUMERIC_HARMFUL: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("low_calories", very_low_calories),
    ("fasting", _long_fast),
    ("crash", too_fast_loss),
)


# --- the replies ----------------------------------------------------------------------------

HARMFUL_REPLY = {
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
    "crash": (
        "I can't help you lose that much that fast. A body can lose about 0.5-1 % of its weight "
        "a week as fat; anything faster is mostly water and muscle, it leaves you weak and "
        "dizzy in training, and it comes back.",
        "eat a moderate deficit of about 300-500 kcal a day below maintenance, keep protein "
        "high (about 1.6 g per kg of body weight) and keep lifting, and give it the weeks it "
        "takes. If the date matters (a weigh-in, an event), a registered dietitian can plan it "
        "with you safely.",
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
    reason, alternative = HARMFUL_REPLY[topic]
    return f"{reason}\n\n**A safer way instead:** {alternative}"


# --- the screen -----------------------------------------------------------------------------


def screen(message: str) -> SafetyVerdict:
    """The verdict on one message from the person (see the module docstring)."""
    text = spelled(normalise(message))
    if not text:
        return SafetyVerdict(OK)
    for rule in _SELF_HARM:
        if rule.matches(text):
            return SafetyVerdict(HARMFUL, SELF_HARM_REPLY, rule.topic)
    for rule in _RED_FLAGS:
        if rule.matches(text):
            return SafetyVerdict(MEDICAL, medical_reply(rule.topic), rule.topic)
    for rule in HARMFUL_RULES:
        if rule.matches(text):
            return SafetyVerdict(HARMFUL, _harmful_reply(rule.topic), rule.topic)
    for topic, check in _NUMERIC_HARMFUL:
        if check(text):
            return SafetyVerdict(HARMFUL, _harmful_reply(topic), topic)
    for rule in _PAIN_FLAGS:
        if rule.matches(text):
            return SafetyVerdict(MEDICAL, medical_reply(rule.topic), rule.topic)
    return SafetyVerdict(OK)
