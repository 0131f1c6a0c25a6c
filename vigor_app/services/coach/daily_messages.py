"""The coach's daily motivation message: who is due, the claim that makes it exactly once,
and writing it through the AI gateway (the scheduler in `services/scheduler.py` runs it).

**Exactly once, in every worker.** Every Reflex worker runs the scheduler; nothing elects a
leader. Exactly-once comes from the database: before anything is written for a person,
``claim`` inserts their ``DailyMotivationRun`` row for the local date, and the UNIQUE
(user_id, local_date) constraint lets exactly one insert succeed, however many processes race
(SQLite serialises writers; PostgreSQL makes the second insert wait for the first to commit,
then fail). Only the process whose insert succeeded asks the gateway and posts the message.

**A failure is not retried.** A claim is taken *before* the message is written. If the
gateway, the context or the database fails after the claim, the error is logged, the run
row stays (``message_id`` NULL) and that person gets no message for that local day: the
claim is what stops every worker from retrying a failing person every few minutes (and
spending a quota unit, or money, each time). Missing one day's note is the cheaper failure;
the next local day starts afresh. Rows with ``message_id`` NULL are the ones to look into.
"""

from __future__ import annotations

import asyncio
import logging
import random
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.models import DailyMotivationRun, FitnessProfile, User
from vigor_app.models.coach import KIND_MOTIVATION
from vigor_app.services.ai import gateway as ai_gateway
from vigor_app.services.ai.outcomes import BUILTIN_ENGINE
from vigor_app.services.ai.windows import zone
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import motivation, text_blocks
from vigor_app.services.coach.context import CoachContext, build_context
from vigor_app.services.notifications import push

log = logging.getLogger(__name__)

FEATURE = "motivation"
DEFAULT_CONCURRENCY = 4  # people one process writes to at once (each is one gateway call)

PROMPT = ("Write today's motivational note for me: two or three short, warm sentences. Name one "
          "real thing from my training above (a recent record, my streak, a session I finished, "
          "or today's planned session) and what comes next. Plain text: no lists, no headings, "
          "no greeting line.")
PUSH_TITLE = "Your coach"  # the notification on the person's devices (when they turned it on)
CUT_NOTICE = ("Vigor's AI coach couldn't finish today's note, so it comes from Vigor's built-in "
              "coach.")


@dataclass(frozen=True)
class Due:
    user_id: int
    local_date: date  # the person's local date at `now`: the day the message is for


# --- who is due -----------------------------------------------------------------------------


def due(now: datetime) -> list[Due]:
    """People due a message at `now`, with the local date each message is for."""
    now = as_utc(now or utcnow())
    with db.read_only() as session:
        rows = session.exec(
            select(FitnessProfile.user_id, FitnessProfile.timezone, FitnessProfile.motivation_hour)
            .join(User, col(User.id) == FitnessProfile.user_id)
            .where(col(FitnessProfile.daily_motivation).is_(True), col(User.is_active).is_(True))
        ).all()
        candidates: list[Due] = []
        for user_id, timezone, hour in rows:
            local = now.astimezone(zone(timezone))  # an unknown zone counts as UTC
            if local.hour >= hour:
                candidates.append(Due(user_id, local.date()))
        if not candidates:
            return []
        # Around the world, `now` falls on at most three local dates: ask for those days' runs.
        days = sorted({c.local_date for c in candidates})
        done = {(user_id, day) for user_id, day in session.exec(
            select(DailyMotivationRun.user_id, col(DailyMotivationRun.local_date))
            .where(col(DailyMotivationRun.local_date).in_(days))).all()}
    return [c for c in candidates if (c.user_id, c.local_date) not in done]


def due_people(now: datetime) -> list[int]:
    """Ids of the people with daily motivation on whose local time (their profile's time
    zone; UTC when unknown) is at or past their motivation hour today, and who have had no
    message for that local date yet."""
    return [d.user_id for d in due(now)]


# --- the claim ------------------------------------------------------------------------------


def _claimed(user_id: int, local_date: date) -> bool:
    with db.read_only() as session:
        return session.exec(select(DailyMotivationRun.id).where(
            DailyMotivationRun.user_id == user_id,
            DailyMotivationRun.local_date == local_date)).first() is not None


def claim(user_id: int, local_date: date, now: datetime | None = None) -> bool:
    """Take the person's message for `local_date`: insert its run row in a transaction of
    its own. True when this call inserted it; False when the unique (user_id, local_date)
    constraint says another process (or an earlier run) already did."""
    try:
        with db.transaction() as session:
            session.add(DailyMotivationRun(user_id=user_id, local_date=local_date,
                                           created_at=as_utc(now or utcnow())))
    except IntegrityError:
        if _claimed(user_id, local_date):
            return False
        raise  # not the unique key (the person is gone, say): a real error
    return True


def _record_message(user_id: int, local_date: date, message_id: int) -> None:
    with db.transaction() as session:
        session.execute(update(DailyMotivationRun)
                        .where(col(DailyMotivationRun.user_id) == user_id,
                               col(DailyMotivationRun.local_date) == local_date)
                        .values(message_id=message_id))


# --- one message ----------------------------------------------------------------------------


async def _ask_gateway(user_id: int, context: CoachContext, builtin_text: str,
                       gateway: ai_gateway.Gateway | None) -> tuple[str, str, str, str | None]:
    """(text, engine, notice, request id) of the gateway's answer; quotas, budgets and fallbacks
    are its. A note the built-in text replaced keeps no request id: the request's engine did not
    write what is shown."""
    messages = [{"role": "user", "content": PROMPT}]
    stream_chat = gateway.stream_chat if gateway is not None else ai_gateway.stream_chat
    chunks = stream_chat(user_id, FEATURE, messages, builtin=lambda: builtin_text,
                         context=context.as_text())
    parts: list[str] = []
    engine, notice, request_id = BUILTIN_ENGINE, "", None
    async with aclosing(chunks) as stream:
        async for chunk in stream:
            if chunk.done:
                engine, notice = chunk.engine or BUILTIN_ENGINE, chunk.notice or ""
                request_id = chunk.request_id
                if chunk.replace is not None:  # the AI's note broke the safety rules
                    return builtin_text, BUILTIN_ENGINE, CUT_NOTICE, None
            else:
                parts.append(chunk.text)
    text = "".join(parts).strip()
    if engine != BUILTIN_ENGINE and (not text or notice == ai_gateway.STREAM_CUT_NOTICE):
        # Half a note (the provider stopped mid-stream) or none: today's built-in note instead.
        return builtin_text, BUILTIN_ENGINE, CUT_NOTICE, None
    return text or builtin_text, engine, notice, request_id


async def send_one(person: Due, now: datetime, *,
                   gateway: ai_gateway.Gateway | None = None) -> bool:
    """Claim and send one person's message for their local date. True when this call sent
    it; False when someone else had claimed it, or on a failure (logged; not retried)."""
    try:
        if not await asyncio.to_thread(claim, person.user_id, person.local_date, now):
            return False
    except Exception:  # noqa: BLE001 - nothing claimed: the next run tries again
        log.exception("Daily motivation: could not claim user %s's message for %s",
                      person.user_id, person.local_date)
        return False
    try:
        context = await asyncio.to_thread(build_context, person.user_id, now)
        builtin_text = motivation.message_for(context)  # = motivation.daily_message(user_id, now)
        text, engine, notice, request_id = await _ask_gateway(person.user_id, context, builtin_text, gateway)
        message = await asyncio.to_thread(partial(
            coach_history.post_from_coach, person.user_id, KIND_MOTIVATION, text, engine=engine,
            notice=notice, ai_request_id=request_id, now=now))
        await asyncio.to_thread(_record_message, person.user_id, person.local_date, message.id)
    except Exception:  # noqa: BLE001 - one person's failure never stops the others
        log.exception("Daily motivation for user %s on %s failed; the claim stays, so it is not "
                      "retried today", person.user_id, person.local_date)
        return False
    # Stored first, then pushed to the person's devices (none: nothing is sent); never raises.
    await push.send(person.user_id, push.Message(PUSH_TITLE, text_blocks.one_line(text), url="/coach", tag="coach"),
                    now=now)
    return True


async def send_daily_messages(now: datetime | None = None, *,
                              gateway: ai_gateway.Gateway | None = None,
                              concurrency: int = DEFAULT_CONCURRENCY) -> int:
    """Send every due person their daily message; returns how many this call sent.

    Safe to run in any number of processes at once: each person's message is claimed in the
    database first, and only the claim's winner writes it. `gateway` (tests) replaces the
    process-wide gateway, e.g. to give it the same fixed clock."""
    now = as_utc(now or utcnow())
    people = await asyncio.to_thread(due, now)
    if not people:
        return 0
    random.shuffle(people)  # racing workers mostly take different people first
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(person: Due) -> bool:
        async with gate:
            return await send_one(person, now, gateway=gateway)

    sent = sum(await asyncio.gather(*(one(p) for p in people)))
    log.info("Daily motivation: %d due, %d sent by this process", len(people), sent)
    return sent
