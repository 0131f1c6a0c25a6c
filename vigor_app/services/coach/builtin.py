"""The built-in coach: answers from the person's own data and the catalogue, with no network.

It answers when no AI provider is configured, when the person is over their quota, or when
every provider is down; the gateway calls it last. `answer(user_id, message, now)` returns
Markdown.

1. **Safety first.** `safety.screen` reads the message; a ``medical`` or ``harmful`` verdict
   is the whole answer.
2. **Out of scope.** `out_of_scope.recognise` finds asks the coach can't answer - nutrition,
   supplements, a diagnosis, someone else's program - and says so plainly, with what it can do
   instead, before any intent ("what should I eat today?" is not about today's session).
3. **What they mean.** The exercise named, their own first (`exercise_mentions.resolve_exercise`
   over `context.own`: logged, then planned, then the catalogue; a word that fits two lifts
   used alike is asked back, intent ``clarify``), and the sessions a message points at
   (`session_refs`: "yesterday", "my last leg day", "this week").
4. **Intent.** `intents.detect_intent` scores the message against weighted signals per
   intent (the table is in `intents`); an exercise the message names counts towards
   ``technique``. A session reference in a question about the past makes it a ``review``.
   Below the minimum score, `out_of_scope.unknown_answer` replies.
5. **The answer** comes from `context.build_context` and, per intent: `log_answers` answers
   ``review`` and an exercise's ``progress``, `training_answers` ``today`` and overall
   ``progress``, `exercise_answers` ``technique``, ``effort`` and ``comeback``, `plan_answers`
   ``plan`` and ``missed``, `recovery_answers` ``recovery``, ``deload`` and ``warmup``,
   `substitute_answers` ``substitute``, and `motivation` ``motivation``.

`reply` returns the answer as a `CoachAnswer` with what it is about (safety class, intent,
exercise and session ids, plan day): the evaluation (`tests/coach_eval`) and
`python -m vigor_app coach` read them.

Answers are deterministic: no randomness, only the data, the message and the date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from vigor_app.clock import utcnow
from vigor_app.services.coach import (
    exercise_answers,
    intents,
    log_answers,
    motivation,
    out_of_scope,
    plan_answers,
    recovery_answers,
    session_refs,
    substitute_answers,
    training_answers,
)
from vigor_app.services.coach.context import CoachContext, build_context
from vigor_app.services.coach.exercise_mentions import resolve_each, resolve_exercise
from vigor_app.services.coach.own_exercises import OwnExercise
from vigor_app.services.counts import plural
from vigor_app.services.safety import messages as safety


def _help(context: CoachContext) -> str:
    return ("I'm Vigor's built-in coach. I answer from your own training log, your plan and the "
            "exercise catalogue. Ask me about:\n" + out_of_scope.capability_list(context))


# --- the answer ------------------------------------------------------------------------------------

SAFETY_NONE = "none"  # the answer's safety class: none, medical (a red flag) or harmful
SAFETY_INTENT = "safety"  # the safety rules answered
CLARIFY = "clarify"  # the exercise meant is truly ambiguous: asked back
REVIEW = intents.REVIEW  # about logged sessions
PROGRESS = intents.PROGRESS
PROGRESS_ASKED = 3  # a progress score this high with an exercise named: its progress is answered
# A session reference ("yesterday's workout") makes these a review of the sessions it points at.
REVIEWABLE = frozenset({intents.UNKNOWN, REVIEW, intents.PROGRESS, intents.HELP, intents.TECHNIQUE})
# "What weight did I squat on my last leg day": a question in the past is about the log.
PAST_TENSE = re.compile(r"\b(?:did|was|were|went|got|managed)\b|\brate my\b")
# Intents that need no exercise: a truly ambiguous one is not asked back for them.
NO_EXERCISE_INTENTS = frozenset({intents.TODAY, intents.HELP, intents.MOTIVATION})


@dataclass(frozen=True)
class CoachAnswer:
    """The built-in coach's reply with what it is about: ``safety`` (none, medical or
    harmful), the ``intent`` answered, the catalogue (or custom) ``exercise_ids`` and the
    logged ``session_ids`` the answer speaks of, and the active plan's ``plan_day`` index
    when it is about one day of the plan."""

    text: str
    safety: str = SAFETY_NONE
    intent: str = intents.UNKNOWN
    exercise_ids: tuple[str, ...] = ()
    session_ids: tuple[int, ...] = ()
    plan_day: int | None = None
    topic: str | None = None  # the safety rule that matched


def answer(user_id: int, message: str, now: datetime | None = None) -> str:
    """The built-in coach's Markdown reply to `message` from `user_id` at `now` (UTC)."""
    return reply(user_id, message, now).text


def reply(user_id: int, message: str, now: datetime | None = None) -> CoachAnswer:
    """The built-in coach's reply to `message` from `user_id` at `now` (UTC), with what it is about."""
    verdict = safety.screen(message)
    if verdict.reply is not None:
        return CoachAnswer(verdict.reply, safety=verdict.kind, intent=SAFETY_INTENT, topic=verdict.topic)
    context = build_context(user_id, now or utcnow())
    asked = out_of_scope.recognise(message)
    if asked is not None and asked.first:
        return CoachAnswer(out_of_scope.answer(asked, context), intent=intents.UNKNOWN)
    p = context.profile
    own = context.own
    resolution = resolve_exercise(message, own, p.equipment, p.injuries, p.fitness_level)
    mention = resolution.mention
    today = date.fromisoformat(context.today)
    reference = session_refs.read_reference(message, today)
    strong = mention is not None and mention.strong
    strong_mention = mention if strong else None
    intent = intents.detect_intent(message, mentioned=strong)
    if intent == intents.EFFORT and strong and \
            intents.intent_scores(message, mentioned=strong)[PROGRESS] >= PROGRESS_ASKED:
        intent = PROGRESS  # "how is my squat going and what next?": its progress ends with the next target
    if reference is not None and (intent in REVIEWABLE or PAST_TENSE.search(safety.normalise(message))
                                  or (intent == intents.TODAY and reference.first != today)):
        intent = REVIEW
    if resolution.choices and intent not in NO_EXERCISE_INTENTS:
        return CoachAnswer(_ask_back(resolution.choices), intent=CLARIFY)
    exercise_ids: tuple[str, ...] = (mention.exercise.id,) if mention is not None else ()
    several = resolve_each(message, own, p.equipment, p.injuries, p.fitness_level)
    if several:  # "RDLs and deadlifts": every one of them, in the order named
        exercise_ids = tuple(several)
    if intent == REVIEW:  # without a day or a kind ("rate my workout"): the last one
        reference = reference or session_refs.Reference("your last workout", newest=True)
        exercise_id = mention.exercise.id if mention is not None else None
        found = session_refs.find_sessions(user_id, reference, context, exercise_id)
        name = mention.exercise.name if mention is not None else ""
        return CoachAnswer(log_answers.review_answer(user_id, context, reference, found, exercise_id, name),
                           intent=REVIEW, exercise_ids=exercise_ids, session_ids=tuple(s.id for s in found))
    if intent == intents.TODAY:
        up_next = context.today_plan
        return CoachAnswer(training_answers.today_answer(user_id, context), intent=intent,
                           exercise_ids=tuple(e.exercise_id for e in up_next.exercises) if up_next else (),
                           plan_day=up_next.day_index if up_next and not context.week_complete else None)
    if intent == intents.PROGRESS:
        if mention is not None:
            text = log_answers.exercise_progress_answer(user_id, context, mention.exercise.id, resolution.own)
            return CoachAnswer(text, intent=intent, exercise_ids=exercise_ids)
        logged = own.logged
        return CoachAnswer(training_answers.progress_answer(user_id, context, logged), intent=intent,
                           exercise_ids=(logged[0].exercise_id,) if logged else ())
    if intent == intents.TECHNIQUE:
        return CoachAnswer(exercise_answers.technique_answer(context, mention, user_id), intent=intent,
                           exercise_ids=exercise_ids)
    if intent == intents.EFFORT:
        return CoachAnswer(exercise_answers.effort_answer(user_id, context, mention, message), intent=intent,
                           exercise_ids=exercise_ids)
    if intent == intents.COMEBACK:
        logged = own.logged
        ids = exercise_ids or ((logged[0].exercise_id,) if logged else ())
        return CoachAnswer(exercise_answers.comeback_answer(user_id, context, mention, logged), intent=intent,
                           exercise_ids=ids)
    if intent == intents.MOTIVATION:
        return CoachAnswer(motivation.motivating_note(context), intent=intent)
    if intent == intents.PLAN:
        return CoachAnswer(plan_answers.plan_answer(user_id, context, mention, message), intent=intent,
                           exercise_ids=exercise_ids)
    if intent == intents.MISSED:
        text = plan_answers.missed_answer(user_id, context, strong_mention)
        on_day = session_refs.find_sessions(user_id, reference, context) \
            if reference is not None and reference.first is not None else []
        if on_day and reference is not None:  # "I missed Monday's workout" when Monday is in the log
            done = "; ".join(f"**{s.name}** ({plural(s.sets, 'set')})" for s in on_day)
            when = f"on {reference.words}" if reference.words[:1].isupper() else reference.words  # "on Monday"
            text = f"Your log has a workout {when}: {done} - that one isn't missed.\n\n{text}"
        return CoachAnswer(text, intent=intent, exercise_ids=exercise_ids,
                           session_ids=tuple(s.id for s in on_day))
    if intent == intents.RECOVERY:
        return CoachAnswer(recovery_answers.recovery_answer(user_id, context, strong_mention), intent=intent)
    if intent == intents.DELOAD:
        return CoachAnswer(recovery_answers.deload_answer(user_id, context, strong_mention), intent=intent,
                           exercise_ids=exercise_ids if strong_mention else ())
    if intent == intents.WARMUP:
        named = recovery_answers.warmup_mention(context, message)
        return CoachAnswer(recovery_answers.warmup_answer(user_id, context, named), intent=intent,
                           exercise_ids=(named.exercise.id,) if named else ())
    if intent == intents.SUBSTITUTE:
        named = substitute_answers.swap_mention(context, message)
        return CoachAnswer(substitute_answers.substitute_answer(user_id, context, named, message), intent=intent,
                           exercise_ids=(named.exercise.id,) if named else ())
    if intent == intents.HELP:
        return CoachAnswer(_help(context), intent=intent)
    if mention is not None:  # an exercise and nothing else asked: how it's going, and how to do it
        text = log_answers.exercise_progress_answer(user_id, context, mention.exercise.id, resolution.own) \
            if resolution.own is not None and resolution.own.logged else \
            exercise_answers.technique_answer(context, mention, user_id)
        return CoachAnswer(text, intent=PROGRESS if resolution.own is not None and resolution.own.logged
                           else intents.TECHNIQUE, exercise_ids=exercise_ids)
    return CoachAnswer(out_of_scope.unknown_answer(context, message), intent=intents.UNKNOWN)


def _ask_back(choices: tuple[OwnExercise, ...]) -> str:
    names = [f"**{c.name}**" + (f" ({plural(c.sessions, 'workout')})" if c.sessions else
                                " (in your plan)") for c in choices]
    listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    return (f"Which one do you mean: {listed}? Ask again with its name - for example "
            f"\"how is my {choices[0].name.lower()} going?\" - and I'll answer from your log.")
