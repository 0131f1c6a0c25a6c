"""The built-in coach's answer to "what can I do instead?": swaps for an injury or missing kit.

The equipment and injuries come from the profile, adjusted by what the message says
(`read_situation`):

- kit missing - "no barbell", "my gym has no rack", "I don't have a bench", "the cable machine
  is taken": that piece is taken out (a rack counts as the barbell: squats and presses from
  a bar need one);
- kit only - "only dumbbells", "just bands", "no equipment", "at home with nothing": the
  equipment is exactly that (bodyweight is always there);
- a joint - "my knee is sore", "bad shoulder", "I hurt my lower back": that injury is added.

Words map to the vocabulary of ``services/vocabulary`` (``EQUIPMENT``, ``INJURIES``). With an
exercise named, the swaps are ``catalogue.substitutes`` for that exercise with the adjusted
profile (same movement pattern, a shared primary muscle, doable and safe at their level), and
the answer says why the exercise itself is out, if it is. Without one, the exercises of
today's plan day (else the whole plan) that the situation rules out each get their swaps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.coach.answer_parts import example_exercise, mention_in
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.exercise_mentions import Mention
from vigor_app.services.coach.facts import PlannedExercise
from vigor_app.services.coach.wording import words
from vigor_app.services.safety import messages as safety
from vigor_app.services.vocabulary import EQUIPMENT, INJURIES

SWAPS = 3  # swaps per exercise
PLAN_SWAPS = 2  # swaps per exercise when several are ruled out
MAX_RULED_OUT = 4

# Words for each piece of equipment and each injury of the vocabulary, as regular expressions.
EQUIPMENT_WORDS: dict[str, str] = {
    "barbell": r"barbells?|(?:squat |power )?racks?|olympic bars?|the bar",
    "dumbbells": r"dumbbells?|dbs|dumb bells?",
    "kettlebells": r"kettlebells?|kbs|kettle bells?",
    "bench": r"bench(?:es)?(?! press)",
    "pull_up_bar": r"(?:pull|chin) ?up bars?|bars? to hang from",
    "resistance_bands": r"(?:resistance )?bands?",
    "cable_machine": r"cables?(?: machines?| stations?| stacks?)?",
    "machines": r"(?:leg press |smith )?(?<!cable )(?<!rowing )(?<!cardio )machines?",
    "cardio_machine": r"treadmills?|rowers?|rowing machines?|exercise bikes?|cardio machines?",
}
INJURY_WORDS: dict[str, str] = {
    "shoulder": r"shoulders?|rotator cuff",
    "elbow": r"elbows?",
    "wrist": r"wrists?",
    "lower_back": r"(?:lower |low )?back",  # a plain "back" only after a hurt word or "my"
    "hip": r"hips?",
    "knee": r"knees?",
    "ankle": r"ankles?",
    "neck": r"neck",
}
_EQUIPMENT = "|".join(f"(?:{pattern})" for pattern in EQUIPMENT_WORDS.values())
_JOINTS = "|".join(f"(?:{pattern})" for pattern in INJURY_WORDS.values())
# As the subject ("my back hurts"): "back" needs "my", "the" or "lower" ("came back sore" is no injury).
_JOINTS_SAID = _JOINTS.replace("(?:lower |low )?back", "(?:lower |low )back|(?<=my )back|(?<=the )back")
_HURT = (r"bad|sore|hurt|hurts|hurting|injured|injury|dodgy|tweaked|busted|achy|aching|painful|weak|"
         r"niggl\w*|cranky|sprained|strained|pulled|torn|twisted|rolled|pain|playing up|bothering me")
MISSING = re.compile(rf"\b(?:no|dont have|do not have|without|no access to|theres no|there is no|has no|"
                     rf"have no|lack|cant use|lost)(?: (?:a|an|any|the|my))? (?:\w+ )?"
                     rf"(?P<kit>(?:{_EQUIPMENT})(?:(?: or| and| nor)? (?:a |an |any )?(?:{_EQUIPMENT}))*)\b|"
                     rf"\b(?:the |my )?(?P<busy>{_EQUIPMENT}) (?:is |are )?(?:taken|busy|broken|occupied|"
                     rf"out of order|not available|unavailable|gone)\b")
ONLY = re.compile(rf"\b(?:only|just)(?: have| got| use| a| an| some| my)*(?P<kit>(?: (?:and|a|an|some|"
                  rf"{_EQUIPMENT}))+)")
NOTHING = re.compile(r"\b(?:no equipment|without equipment|no gym|no weights|nothing at home|"
                     r"bodyweight only|only bodyweight|just bodyweight|only my bodyweight|"
                     r"with nothing|no kit)\b")
HURT = re.compile(rf"\b(?:{_HURT})(?: in| on)?(?: my| the| a| his| her)? (?P<joint>{_JOINTS})\b|"
                  rf"\b(?P<joint2>{_JOINTS_SAID})(?: \w+)? (?:is |are |feels? |has been |keeps |still )?"
                  rf"(?:{_HURT})\b")


@dataclass(frozen=True)
class Situation:
    """The equipment and injuries to find swaps for, and what the message changed."""

    equipment: tuple[str, ...]
    injuries: tuple[str, ...]
    without: tuple[str, ...] = ()  # equipment the message took away
    only: tuple[str, ...] = ()  # equipment the message said is all there is
    hurt: tuple[str, ...] = ()  # injuries the message added

    @property
    def changed(self) -> bool:
        return bool(self.without or self.only or self.hurt)


def _equipment_in(text: str) -> list[str]:
    return [kit for kit, pattern in EQUIPMENT_WORDS.items() if re.search(rf"\b(?:{pattern})\b", text)]


def _joint(text: str) -> str | None:
    return next((injury for injury, pattern in INJURY_WORDS.items()
                 if re.fullmatch(rf"(?:{pattern})", text)), None)


def read_situation(message: str, equipment: Sequence[str], injuries: Sequence[str]) -> Situation:
    """The profile's equipment and injuries as the message changes them (see the docstring)."""
    text = safety.normalise(message)
    only: list[str] = []
    if NOTHING.search(text):
        only = ["bodyweight"]
    for match in ONLY.finditer(text):
        only += [kit for kit in _equipment_in(match.group("kit")) if kit not in only]
    without = []
    for match in MISSING.finditer(text):
        for kit in _equipment_in(match.group("kit") or match.group("busy")):
            if kit not in without and kit not in only:
                without.append(kit)
    hurt = []
    for match in HURT.finditer(text):
        joint = _joint(match.group("joint") or match.group("joint2"))
        if joint is not None and joint not in hurt and joint not in injuries:
            hurt.append(joint)
    have = (set(only) if only else set(equipment)) | {"bodyweight"}
    have -= set(without)
    have.add("bodyweight")
    return Situation(
        equipment=tuple(e for e in EQUIPMENT if e in have),
        injuries=tuple(i for i in INJURIES if i in set(injuries) | set(hurt)),
        without=tuple(without), only=tuple(o for o in only if o != "bodyweight" or len(only) == 1),
        hurt=tuple(hurt),
    )


def _list(values: Sequence[str]) -> str:
    """["shoulder", "lower_back"] -> "shoulder and lower back"."""
    items = [v.replace("_", " ") for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else "none"


def swap_mention(context: CoachContext, message: str) -> Mention | None:
    """The exercise a swap question names strongly (`Mention.strong`), with the kit and the
    joints it speaks of left out ("my gym has no rack" names no exercise; "no barbell, what for
    squats?" names squats; "a good alternative?" is no good morning)."""
    text = safety.normalise(message)
    for pattern in (NOTHING, MISSING, ONLY, HURT):
        text = pattern.sub(" ", text)
    mention = mention_in(context, text)
    return mention if mention is not None and mention.strong else None


def _said(situation: Situation, context: CoachContext) -> str:
    """What the swaps suit, in words."""
    parts = []
    if situation.only:
        parts.append(f"only {_list(situation.only)}")
    if situation.without:
        parts.append(f"no {_list(situation.without)}")
    if not situation.only and not situation.without:
        parts.append(f"your equipment ({words(context.profile.equipment)})")
    if situation.injuries:
        parts.append(f"your {_list(situation.injuries)}")
    return " and ".join(parts)


def _why_out(exercise: Exercise, situation: Situation) -> str:
    missing = sorted(exercise.equipment_set - set(situation.equipment))
    hurt = sorted(exercise.unsafe_set & set(situation.injuries))
    reasons = []
    if missing:
        reasons.append(f"needs {_list(missing)}")
    if hurt:
        reasons.append(f"loads your {_list(hurt)}")
    return " and ".join(reasons)


def _swaps(exercise: Exercise, situation: Situation, level: str, limit: int) -> list[Exercise]:
    try:
        return catalogue.substitutes(exercise.id, situation.equipment, situation.injuries, level, limit=limit)
    except (ValueError, LookupError):
        return []


def _other_ways(exercise: Exercise, situation: Situation, level: str, limit: int) -> list[Exercise]:
    """Exercises of another movement that train one of the same main muscles, for when no swap
    of the same movement fits: most shared muscles first, then the closest difficulty."""
    try:
        pool = catalogue.available_for(situation.equipment, situation.injuries, level)
    except ValueError:
        return []
    primary = set(exercise.primary_muscles)
    ranked = sorted(
        (c for c in pool if c.id != exercise.id and c.pattern != exercise.pattern and c.groups
         and primary & set(c.primary_muscles) and c.is_compound == exercise.is_compound),
        key=lambda c: (-len(primary & set(c.primary_muscles)), abs(c.difficulty - exercise.difficulty), c.id))
    return ranked[:limit]


def _swap_lines(swaps: Sequence[Exercise]) -> str:
    return "\n".join(f"- **{s.name}** ({words(s.equipment)}) - {s.cue}" for s in swaps)


def _one_exercise(context: CoachContext, exercise: Exercise, situation: Situation) -> str:
    out = []
    why = _why_out(exercise, situation)
    if why:
        out.append(f"**{exercise.name}** {why}, so here are swaps for it.")
    elif situation.changed:
        kit = ("needs no equipment" if exercise.equipment_set <= {"bodyweight"}
               else f"uses {words(exercise.equipment)}")
        out.append(f"You can still do **{exercise.name}** with that: it {kit}"
                   + (f" and doesn't load your {words(situation.injuries)}" if situation.injuries else "")
                   + ". If you'd rather swap it anyway, these work too.")
    swaps = _swaps(exercise, situation, context.profile.fitness_level, SWAPS)
    if swaps:
        out.append(f"**Swaps for {exercise.name}** that suit {_said(situation, context)} - same "
                   f"movement, same main muscles:\n{_swap_lines(swaps)}")
    else:
        other = _other_ways(exercise, situation, context.profile.fitness_level, SWAPS)
        none = (f"No exercise in the catalogue with the same movement as {exercise.name} fits "
                f"{_said(situation, context)}.")
        if other:
            muscles = sorted(set(exercise.primary_muscles) & {m for o in other for m in o.primary_muscles})
            out.append(f"{none} These train your {_list(muscles)} with a different movement:\n"
                       + _swap_lines(other))
        else:
            out.append(f"{none} Skip it for now and give the time to the rest of the session.")
    if any(item.exercise_id == exercise.id for day in (context.plan.days if context.plan else [])
           for item in day.exercises):
        out.append("To change it in your plan for good, use **Swap** next to it on the Workouts page.")
    if situation.hurt:
        out.append("A joint that is sore is a reason to pick a swap that doesn't load it; sharp pain, "
                   "swelling or pain that gets worse is a reason to stop and get it checked.")
    return "\n\n".join(out)


def _plan_items(context: CoachContext) -> tuple[list[PlannedExercise], str]:
    today = context.today_plan
    if today is not None and not today.done and today.exercises:
        return list(today.exercises), f"today's session ({today.name})"
    if context.plan is not None:
        items = list({item.exercise_id: item for day in context.plan.days for item in day.exercises}.values())
        return items, f"your plan ({context.plan.name})"
    return [], ""


def _whole_session(context: CoachContext, situation: Situation) -> str:
    items, where = _plan_items(context)
    if not items:
        return (f"Name the exercise you want to swap - for example \"what can I do instead of "
                f"{example_exercise(context)}?\" - and I'll find swaps for {_said(situation, context)}.")
    ruled_out = []
    for item in items:
        exercise = catalogue.find_exercise(item.exercise_id)
        if exercise is not None and _why_out(exercise, situation):
            ruled_out.append(exercise)
    if not ruled_out:
        return (f"Everything in {where} works with {_said(situation, context)}: "
                + ", ".join(item.name for item in items) + ".")
    count = f"{len(ruled_out)} exercise{' is' if len(ruled_out) == 1 else 's are'} out"
    if situation.hurt and not any(e.unsafe_set & set(situation.hurt) for e in ruled_out):
        head = f"Nothing in {where} loads your {_list(situation.hurt)} - but {count}"
    else:
        head = f"From {where}, {count}"
    out = [f"{head} with {_said(situation, context)}:"]
    for exercise in ruled_out[:MAX_RULED_OUT]:
        swaps = _swaps(exercise, situation, context.profile.fitness_level, PLAN_SWAPS)
        instead = ", ".join(s.name for s in swaps) or "no swap in the catalogue fits - skip it for now"
        out.append(f"- **{exercise.name}** ({_why_out(exercise, situation)}): {instead}")
    kept = [item.name for item in items if all(item.exercise_id != e.id for e in ruled_out)]
    text = "\n".join(out)
    if kept:
        text += f"\n\nThe rest works as planned: {', '.join(kept)}."
    return text + ("\n\nName one - \"what can I do instead of "
                   f"{ruled_out[0].name.lower()}?\" - for its swaps with their cues.")


def substitute_answer(user_id: int, context: CoachContext, mention: Mention | None, message: str) -> str:
    """Swaps for the named exercise (or the plan's) that suit the person's equipment and injuries,
    as the message changes them."""
    p = context.profile
    situation = read_situation(message, p.equipment, p.injuries)
    if mention is not None:
        return _one_exercise(context, mention.exercise, situation)
    if situation.changed:
        return _whole_session(context, situation)
    listed = ""
    if context.today_plan and context.today_plan.exercises:
        listed = " From today's session: " + ", ".join(e.name for e in context.today_plan.exercises) + "."
    return (f"Which exercise do you want to swap? Name it - for example \"what can I do instead of "
            f"{example_exercise(context)}?\" - and say what's in the way (\"no barbell\", \"bad knee\"); "
            f"I'll find swaps with the same movement that suit your equipment and injuries.{listed}")
