"""The built-in coach: answers from the person's own data and the catalogue, with no network.

It answers when no AI provider is configured, when the person is over their quota, or when
every provider is down; the gateway calls it last. `answer(user_id, message, now)` returns
Markdown.

1. **Safety first.** `safety.screen` reads the message; a ``medical`` or ``harmful`` verdict
   is the whole answer.
2. **Out of scope.** `out_of_scope.recognise` finds asks the coach can't answer - nutrition,
   supplements, a diagnosis, someone else's program - and says so plainly, with what it can do
   instead, before any intent ("what should I eat today?" is not about today's session).
3. **Intent.** `intents.detect_intent` scores the message against weighted signals per
   intent (the table is in `intents`); an exercise the message names counts towards
   ``technique``. Below the minimum score, and for ``review`` (not answered here yet),
   `out_of_scope.unknown_answer` replies.
4. **The answer** comes from `context.build_context` (profile, plan, today's plan day,
   the last 14 days, streaks, records) and, per intent, `progress.strength_series`,
   `progress.weekly_volume_by_muscle`, `suggestions.next_targets` and the catalogue
   (`exercise_mentions.find_exercise_mentioned`, `catalogue.substitutes`):
   `training_answers` answers ``today`` and ``progress``, `exercise_answers` ``technique``,
   ``effort`` and ``comeback``, `plan_answers` ``plan`` and ``missed``, `recovery_answers`
   ``recovery``, ``deload`` and ``warmup``, `substitute_answers` ``substitute``, and
   `motivation` ``motivation``.

Answers are deterministic: no randomness, only the data, the message and the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vigor_app.clock import utcnow
from vigor_app.services.coach import (
    exercise_answers,
    intents,
    motivation,
    out_of_scope,
    plan_answers,
    recovery_answers,
    substitute_answers,
    training_answers,
)
from vigor_app.services.coach.answer_parts import mention_in
from vigor_app.services.coach.context import CoachContext, build_context
from vigor_app.services.safety import messages as safety
from vigor_app.services.training import progress


def _help(context: CoachContext) -> str:
    return ("I'm Vigor's built-in coach. I answer from your own training log, your plan and the "
            "exercise catalogue. Ask me about:\n" + out_of_scope.capability_list(context))


# --- the answer ------------------------------------------------------------------------------------

SAFETY_NONE = "none"  # the answer's safety class: none, medical (a red flag) or harmful


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
        return CoachAnswer(verdict.reply, safety=verdict.kind, intent="safety", topic=verdict.topic)
    return CoachAnswer(_answer_text(user_id, message, now))


def _answer_text(user_id: int, message: str, now: datetime | None) -> str:
    context = build_context(user_id, now or utcnow())
    asked = out_of_scope.recognise(message)
    if asked is not None and asked.first:
        return out_of_scope.answer(asked, context)
    logged = progress.exercise_options(user_id)
    mention = mention_in(context, message, logged)
    strong = mention if mention is not None and mention.strong else None
    intent = intents.detect_intent(message, mentioned=strong is not None)
    if intent == intents.TODAY:
        return training_answers.today_answer(user_id, context)
    if intent == intents.PROGRESS:
        return training_answers.progress_answer(user_id, context, logged)
    if intent == intents.TECHNIQUE:
        return exercise_answers.technique_answer(context, mention, user_id)
    if intent == intents.EFFORT:
        return exercise_answers.effort_answer(user_id, context, strong)
    if intent == intents.COMEBACK:
        return exercise_answers.comeback_answer(user_id, context, strong, logged)
    if intent == intents.MOTIVATION:
        return motivation.motivating_note(context)
    if intent == intents.PLAN:
        return plan_answers.plan_answer(user_id, context, mention, message)
    if intent == intents.MISSED:
        return plan_answers.missed_answer(user_id, context, strong)
    if intent == intents.RECOVERY:
        return recovery_answers.recovery_answer(user_id, context, strong)
    if intent == intents.DELOAD:
        return recovery_answers.deload_answer(user_id, context, strong)
    if intent == intents.WARMUP:
        return recovery_answers.warmup_answer(
            user_id, context, recovery_answers.warmup_mention(context, message, logged))
    if intent == intents.SUBSTITUTE:
        return substitute_answers.substitute_answer(
            user_id, context, substitute_answers.swap_mention(context, message, logged), message)
    if intent == intents.HELP:
        return _help(context)
    return out_of_scope.unknown_answer(context, message, intent)  # ``review`` too, for now
