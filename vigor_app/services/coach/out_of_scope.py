"""What the built-in coach can't answer, said plainly, with what it can do instead.

`recognise` reads the common asks outside the built-in coach (its kinds, in order):

- ``nutrition`` - meal plans, macros, calories, diets, recipes, "what should I eat", protein
  amounts; "how do I lose weight" too, but only when no intent answers the message;
- ``supplements`` - creatine, protein powder, pre-workout, vitamins (steroids and other drugs
  are the safety rules' business, screened before this);
- ``diagnosis`` - "what's wrong with my knee", "do I have tendinitis", "is it torn",
  which medicine to take;
- ``programs`` - other people's programs or a celebrity's ("Starting Strength", "5/3/1",
  "Chris Bumstead's split", "my friend's routine");
- ``off_topic`` - plainly not fitness (capitals, weather, poems, code, news...), only when
  no intent answers the message.

``first`` kinds are answered before the intents ("what should I eat today" is not a question
about today's session); the others only when the intent is unknown. `answer` says "I can't
..." and what it can do instead: for nutrition the basics (about 1.6 g of protein per kg, from
their latest weigh-in when there is one; a moderate deficit or surplus) and a registered
dietitian; for a diagnosis a doctor or physiotherapist and swaps that spare the joint; for
other programs an explanation of their own plan. `unknown_answer` is the rest: anything else
gets "I didn't understand that". Both end with `capability_list`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vigor_app.services.coach.answer_parts import capabilities, example_exercise
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.wording import day_text
from vigor_app.services.safety import messages as safety
from vigor_app.services.units import weight_text

NUTRITION = "nutrition"
SUPPLEMENTS = "supplements"
DIAGNOSIS = "diagnosis"
PROGRAMS = "programs"
OFF_TOPIC = "off_topic"
PROTEIN_G_PER_KG = 1.6

# What the intents' own answers cover that `answer_parts.EXAMPLES` doesn't list.
MORE_EXAMPLES = (
    ("Your plan, day by day, and why", "Explain my plan."),
    ("A missed session", "I missed Monday's workout - what now?"),
    ("Sleep, soreness and rest days", "How many rest days do I need?"),
    ("Deloads", "Should I deload?"),
    ("Warming up, with your ramp sets", "How should I warm up for {exercise}?"),
    ("Swaps for an injury or missing kit", "What can I do instead of {exercise}? I have a bad knee."),
)


@dataclass(frozen=True)
class Ask:
    kind: str
    first: bool  # answered before the intents


def _rule(kind: str, first: bool, pattern: str) -> tuple[Ask, re.Pattern[str]]:
    return Ask(kind, first), re.compile(pattern)


RULES = (
    _rule(NUTRITION, True,
          r"\b(?:meal plans?|meal prep\w*|macros?|macronutrients?|calories|calorie|kcal|diets?|dieting|"
          r"recipes?|what (?:should|can|do|shall) i eat|what to eat|(?:eat|food|meals?|snacks?) (?:before|"
          r"after) (?:my |a |the )?(?:workout|training|session|gym|lifting)|how much (?:protein|carbs?|fat|"
          r"food)|protein intake|carbs|carbohydrates?|keto|intermittent fasting|bulking|on a (?:cut|bulk)|"
          r"cutting phase|nutrition\w*)\b"),
    _rule(SUPPLEMENTS, True,
          r"\b(?:supplements?|supplementation|creatine|protein powder|whey|casein|pre ?workout (?:drink|"
          r"powder|supplement)s?|(?:take|taking|use|using) (?:a )?pre ?workout|bcaas?|eaas?|multivitamins?|"
          r"vitamins?|fish oil|omega 3|ashwagandha|fat burners?|test(?:osterone)? boosters?|collagen|"
          r"beta alanine|caffeine pills?)\b"),
    _rule(DIAGNOSIS, True,
          r"\b(?:diagnos\w*|whats wrong with (?:my|me)|what is wrong with (?:my|me)|do i have (?:a |an )?"
          r"(?:tendinitis|tendonitis|tear|torn \w+|hernia|sprain|strain|fracture|arthritis|bursitis|"
          r"impingement|sciatica|concussion|infection|the flu|flu|covid|a cold|diabetes|asthma|condition)|"
          r"is (?:it|this|my \w+(?: \w+)?) (?:a |an )?(?:tear|torn|broken|fractured?|sprain\w*|tendinitis|"
          r"tendonitis|hernia|dislocated|infected)|(?:what|which) (?:medication|medicine|pills?|drugs?) "
          r"should|should i see a (?:doctor|physio\w*|gp)|am i (?:sick|ill))\b"),
    _rule(PROGRAMS, True,
          r"\b(?:starting strength|stronglifts|5 ?3 ?1|wendler|gzclp|nsuns|phul|phat|texas method|madcow|"
          r"smolov|sheiko|reddit ppl|jeff nippard|mike mentzer|arnold (?:split|routine|program\w*|workout)|"
          r"schwarzenegger|the rocks? (?:workout|routine|program\w*)|dwayne johnson|cbum|chris bumstead|"
          r"ronnie coleman|david goggins|jay cutler|eddie hall|celebrit\w*|influencers?|"
          r"(?:friends?|partners?|wifes?|husbands?|girlfriends?|boyfriends?|brothers?|sisters?|mates?|dads?|"
          r"mums?|moms?|coworkers?|colleagues?|trainers?) (?:program\w*|plan|routine|workout|split)|"
          r"(?:someone|somebody) elses (?:program\w*|plan|routine)|other peoples? (?:program\w*|plans?|"
          r"routines?)|(?:program\w*|routine|workout|split) (?:i found|from (?:youtube|reddit|instagram|"
          r"tiktok|a book|a magazine|online)))\b"),
    _rule(NUTRITION, False,
          r"\b(?:lose weight|losing weight|weight loss|lose fat|losing fat|burn fat|fat burning|"
          r"gain weight|put on weight|eat\w*|food|protein)\b"),
    _rule(OFF_TOPIC, False,
          r"\b(?:capital of|weather|forecast|poems?|jokes?|songs?|lyrics|stor(?:y|ies)|code|coding|python|"
          r"javascript|homework|essay|news|stocks?|crypto\w*|bitcoin|movies?|films?|tv shows?|translate|"
          r"politic\w*|elections?|president|prime minister|who won|football|soccer|basketball|"
          r"population|invest\w*|horoscope|recipe)\b"),
)


def recognise(message: str) -> Ask | None:
    """The out-of-scope ask the message makes, or None."""
    text = safety.normalise(message)
    for ask, pattern in RULES:
        if pattern.search(text):
            return ask
    return None


def capability_list(context: CoachContext) -> str:
    """Everything the built-in coach can be asked, with an example exercise of the person's."""
    example = example_exercise(context)
    more = "\n".join(f"- **{what}** - \"{ask.format(exercise=example)}\"" for what, ask in MORE_EXAMPLES)
    return capabilities(context) + "\n" + more


def _nutrition(context: CoachContext) -> str:
    trend = context.body_weight
    protein = f"about {PROTEIN_G_PER_KG:g} g per kg of body weight a day"
    if trend is not None:
        grams = round(trend.latest_kg * PROTEIN_G_PER_KG / 5) * 5
        protein += (f" - at your {weight_text(trend.latest_kg, context.units)} "
                    f"({day_text(trend.latest_on)}) that's about {grams} g")
    lines = [
        f"**Protein:** {protein}, spread over your meals.",
        "**To lose fat:** a moderate deficit of about 300-500 kcal a day (roughly 0.5-1 % of your "
        "body weight a week), and keep lifting so the weight you lose is fat, not muscle.",
        "**To gain muscle:** a small surplus of about 200-300 kcal a day.",
        "**Mostly whole foods** - vegetables, fruit, whole grains - and water through the day.",
    ]
    out = ["I can't write meal plans, count macros or suggest recipes - I only see your training, "
           "not what you eat. The basics that hold for almost everyone:",
           "\n".join(f"- {line}" for line in lines)]
    if trend is not None and trend.entries >= 2:
        change = trend.change_kg
        how = "unchanged" if abs(change) < 0.05 else \
            f"{'up' if change > 0 else 'down'} {weight_text(abs(change), context.units)}"
        out.append(f"Your weigh-ins: {weight_text(trend.latest_kg, context.units)} on "
                   f"{day_text(trend.latest_on)}, {how} since {day_text(trend.first_on)}.")
    out.append("For a plan built around you - above all with a health condition, in pregnancy or "
               "with a history of disordered eating - see a **registered dietitian**.")
    return "\n\n".join(out)


def _programs(context: CoachContext) -> str:
    out = ["I can't review or copy other people's programs, or what a celebrity trains - I only know "
           "your plan, your log and Vigor's exercise catalogue, so I'd only be guessing."]
    plan = context.plan
    if plan is not None:
        out.append(f"What I can do is explain **{plan.name}**: its {len(plan.days)} days, what each "
                   "trains and why it's built the way it is - ask me \"explain my plan\".")
    else:
        out.append("What I can do: generate a plan on the Workouts page - it's built from your level, "
                   "goals, equipment and days a week - and I'll explain every day of it.")
    return "\n\n".join(out)


def answer(ask: Ask, context: CoachContext) -> str:
    """The plain "I can't" for an out-of-scope ask, with what the coach can do instead."""
    if ask.kind == NUTRITION:
        return _nutrition(context)
    if ask.kind == SUPPLEMENTS:
        return ("I can't advise you on supplements - which ones or how much is a question for a doctor "
                "or pharmacist, above all if you have a health condition or take medication. What's "
                "well established: creatine monohydrate is the best-studied supplement for strength "
                "training; protein powder is simply food, handy for reaching your protein; and nothing "
                "in a tub replaces regular training, sleep and enough protein.\n\nWhat I can help with "
                "is the training itself - your plan, your progress and what to lift next.")
    if ask.kind == DIAGNOSIS:
        return ("I can't diagnose an injury or an illness - I can't examine you, and a guess could make "
                "it worse. A **doctor or physiotherapist** can. Sharp pain, swelling, numbness or not "
                "being able to bear weight means getting it seen soon.\n\nWhat I can do: find swaps that "
                "don't load the sore joint - ask \"what can I do instead of "
                f"{example_exercise(context)}? my knee is sore\".")
    if ask.kind == PROGRAMS:
        return _programs(context)
    return ("I can't help with that - I'm Vigor's built-in coach, and I only answer questions about "
            "your training, from your own log, your plan and the exercise catalogue. Here's what I can "
            "help with:\n" + capability_list(context))


def unknown_answer(context: CoachContext, message: str) -> str:
    """The reply when no intent answers: an out-of-scope "I can't" or "I didn't understand
    that" - each with the list of what the coach can do."""
    ask = recognise(message)
    if ask is not None:
        return answer(ask, context)
    return ("I didn't understand that. I'm Vigor's built-in coach: I answer from your own training log, "
            "your plan and the exercise catalogue. Here's what I can help with:\n" + capability_list(context))
