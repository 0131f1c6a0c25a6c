"""A person's stored plans: generate, list, rename, delete, make active, swap an exercise.

Every function takes the owner's `user_id` first and only ever touches that person's plans:
a plan id belonging to someone else is "not found".
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiFeedback, WorkoutPlan, WorkoutSession
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.catalogue import load_catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import ai_plans, block, profiles, progression, rules, timing
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import (
    PROFILE_KEYS,
    PlanInputError,
    PlanInputs,
    PlanRequest,
    coerce_inputs,
    resolve_inputs,
)
from vigor_app.services.plans.validation import validate_plan

MAX_NAME = ai_plans.MAX_PLAN_NAME
BUILTIN_ENGINE = "builtin"


@dataclass(frozen=True)
class StoredPlan:
    id: int
    name: str
    is_active: bool
    engine: str
    seed: int
    inputs: dict[str, Any]
    plan: dict[str, Any]
    created_at: datetime


def _stored(row: WorkoutPlan) -> StoredPlan:
    return StoredPlan(id=row.id or 0, name=row.name, is_active=row.is_active, engine=row.engine,
                      seed=row.seed, inputs=dict(row.inputs), plan=dict(row.plan),
                      created_at=row.created_at)


def _owned(session: Session, user_id: int, plan_id: int) -> WorkoutPlan:
    row = session.get(WorkoutPlan, plan_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That plan does not exist.")
    return row


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Give the plan a name.", field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"Keep the name under {MAX_NAME} characters.", field="name")
    return name


def _plan_request(request: dict[str, Any] | None) -> PlanRequest:
    try:
        return PlanRequest.from_dict(request or {})
    except PlanInputError as exc:
        raise ValidationError(f"{exc.key}: {exc.detail}", field=exc.key) from exc


def _store(user_id: int, plan: dict[str, Any], *, engine: str, seed: int, name: str,
           inputs: PlanInputs, ai_request_id: str | None = None, now: datetime | None = None) -> StoredPlan:
    """Keep a plan that passed every rule; the first plan becomes the active one."""
    problems = validate_plan(plan, inputs)
    if problems:  # never store or show a plan that breaks a rule, whoever wrote it
        raise RuntimeError(f"plan from {engine} broke a rule: {problems[0]}")
    now = now or utcnow()
    with db.transaction() as session:
        has_active = session.exec(
            select(WorkoutPlan.id).where(WorkoutPlan.user_id == user_id, WorkoutPlan.is_active)
        ).first() is not None
        row = WorkoutPlan(
            user_id=user_id, name=_clean_name(name or _default_name(plan)), is_active=not has_active,
            engine=engine, seed=seed, inputs=inputs.to_dict(), plan=plan, created_at=now, updated_at=now,
            ai_request_id=ai_request_id or None,
        )
        session.add(row)
        session.flush()
        return _stored(row)


def create_plan(user_id: int, request: dict[str, Any] | None = None, *, seed: int | None = None,
                name: str = "", now: datetime | None = None) -> StoredPlan:
    """Build a plan with the built-in engine from the person's profile and store it."""
    profile = profiles.get_profile(user_id).plan_profile()
    plan_request = _plan_request(request)
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    plan = generate_plan(profile, plan_request, seed).to_dict()
    return _store(user_id, plan, engine=BUILTIN_ENGINE, seed=seed, name=name,
                  inputs=resolve_inputs(profile, plan_request), now=now)


@dataclass(frozen=True)
class GeneratedPlan:
    plan: StoredPlan
    notice: str | None  # why the built-in engine answered, when it did
    reason: str = ""  # the gateway's reason (outcomes.REASON_*): a quota or budget, a failure…


async def create_plan_via_gateway(user_id: int, request: dict[str, Any] | None = None, *,
                                  seed: int | None = None, name: str = "") -> GeneratedPlan:
    """Build a plan through the AI gateway (a provider, or the built-in engine) and store it."""
    profile = (await asyncio.to_thread(profiles.get_profile, user_id)).plan_profile()
    plan_request = _plan_request(request)
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    answer = await ai_plans.generate(user_id, profile, plan_request, seed)
    stored = await asyncio.to_thread(
        lambda: _store(user_id, answer.plan, engine=answer.engine, seed=seed, name=name,
                       inputs=resolve_inputs(profile, plan_request), ai_request_id=answer.request_id))
    return GeneratedPlan(plan=stored, notice=answer.notice, reason=answer.reason)


def regenerate_plan(user_id: int, plan_id: int, *, seed: int | None = None) -> StoredPlan:
    """A fresh plan from the same inputs and a new seed, in place of the old one (same name)."""
    stored = get_plan(user_id, plan_id)
    inputs = _stored_inputs(stored.inputs)
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    plan = generate_plan(inputs, seed=seed).to_dict()
    problems = validate_plan(plan, inputs)
    if problems:
        raise RuntimeError(f"built-in plan broke a rule: {problems[0]}")
    with db.transaction() as session:
        row = _owned(session, user_id, plan_id)
        row.plan, row.seed, row.engine, row.updated_at = plan, seed, BUILTIN_ENGINE, utcnow()
        row.ai_request_id = None  # written here, by no request: its old votes stay with the old request
        session.execute(update(AiFeedback).where(col(AiFeedback.plan_id) == plan_id).values(plan_id=None))
        session.add(row)
        return _stored(row)


def _stored_inputs(inputs: dict[str, Any]) -> PlanInputs:
    """The inputs a stored plan was built from, as the validator reads them."""
    return coerce_inputs(
        {key: inputs[key] for key in PROFILE_KEYS if key in inputs},
        {key: inputs[key] for key in ("focus", "intensity") if key in inputs},
    )


def _default_name(plan: dict[str, Any]) -> str:
    return ai_plans.default_name(plan)


def list_plans(user_id: int) -> list[StoredPlan]:
    with db.read_only() as session:
        rows = session.exec(
            select(WorkoutPlan).where(WorkoutPlan.user_id == user_id)
            .order_by(col(WorkoutPlan.is_active).desc(), col(WorkoutPlan.created_at).desc())
        ).all()
        return [_stored(r) for r in rows]


def get_plan(user_id: int, plan_id: int) -> StoredPlan:
    with db.read_only() as session:
        return _stored(_owned(session, user_id, plan_id))


def rename_plan(user_id: int, plan_id: int, name: str) -> StoredPlan:
    name = _clean_name(name)
    with db.transaction() as session:
        row = _owned(session, user_id, plan_id)
        row.name = name
        row.updated_at = utcnow()
        session.add(row)
        return _stored(row)


def delete_plan(user_id: int, plan_id: int) -> None:
    with db.transaction() as session:
        row = _owned(session, user_id, plan_id)
        was_active = row.is_active
        session.delete(row)
        session.flush()
        if was_active:  # the newest remaining plan takes over
            newest = session.exec(
                select(WorkoutPlan).where(WorkoutPlan.user_id == user_id)
                .order_by(col(WorkoutPlan.created_at).desc())
            ).first()
            if newest is not None:
                newest.is_active = True
                session.add(newest)


def activate_plan(user_id: int, plan_id: int) -> StoredPlan:
    with db.transaction() as session:
        row = _owned(session, user_id, plan_id)
        for other in session.exec(
            select(WorkoutPlan).where(WorkoutPlan.user_id == user_id, WorkoutPlan.is_active)
        ).all():
            other.is_active = False
            session.add(other)
        session.flush()
        row.is_active = True
        session.add(row)
        return _stored(row)


def _reps_for(replacement: Exercise, current: str, inputs: PlanInputs) -> str:
    """Keep the planned reps when they suit the replacement; otherwise its own window."""
    if replacement.timed:
        low, high = rules.seconds_window(replacement)
        seconds = timing.parse_reps(current)
        wanted = seconds.high if seconds is not None and seconds.timed else (low + high) // 2
        return timing.format_reps(min(max(wanted, low), high), timed=True)
    low, high = rules.rep_window(replacement, inputs.goals, inputs.level)
    return timing.format_reps(low, high if high != low else None)


def _swapped(plan: dict[str, Any], day_index: int, item_index: int,
             replacement: Exercise, inputs: PlanInputs) -> dict[str, Any]:
    plan = {key: value for key, value in plan.items() if key != "weeks"}  # re-derived after the swap
    days = [dict(d) for d in plan.get("days", [])]
    day = days[day_index]
    items = [dict(i) for i in day["exercises"]]
    item = items[item_index]
    reps = _reps_for(replacement, str(item.get("reps", "")), inputs)
    parsed = timing.parse_reps(reps)
    item.update(
        exercise_id=replacement.id, name=replacement.name, reps=reps,
        progression=progression.rule_for(replacement, parsed) if parsed else item.get("progression"),
        reason=f"Swapped in for {item['name']}: the same movement, with your equipment.",
        easier=None, harder=None, warmup_sets=[],
    )
    items[item_index] = item
    day["exercises"] = items
    days[day_index] = day
    plan["days"] = days
    return plan


def _item(plan: dict[str, Any], day_index: int, item_index: int) -> dict[str, Any]:
    try:
        if day_index < 0 or item_index < 0:
            raise IndexError(day_index)
        return plan["days"][day_index]["exercises"][item_index]
    except (IndexError, KeyError, TypeError) as exc:
        raise NotFound("That exercise is not in the plan.") from exc


def swap_options(user_id: int, plan_id: int, day_index: int, item_index: int,
                 limit: int = 6) -> list[Exercise]:
    """Substitutes for one exercise that keep the whole plan valid, best first."""
    stored = get_plan(user_id, plan_id)
    inputs = _stored_inputs(stored.inputs)
    item = _item(stored.plan, day_index, item_index)
    in_day = {i.get("exercise_id") for i in stored.plan["days"][day_index]["exercises"]}
    options = []
    for candidate in catalogue.substitutes(item["exercise_id"], inputs.equipment, inputs.injuries,
                                           inputs.level):
        if candidate.id in in_day:
            continue
        if not validate_plan(_swapped(stored.plan, day_index, item_index, candidate, inputs), inputs):
            options.append(candidate)
        if len(options) >= limit:
            break
    return options


def swap_exercise(user_id: int, plan_id: int, day_index: int, item_index: int,
                  new_exercise_id: str) -> StoredPlan:
    """Replace one exercise by a substitute; the changed plan must still pass every rule."""
    with db.transaction() as session:
        row = _owned(session, user_id, plan_id)
        inputs = _stored_inputs(row.inputs)
        item = _item(row.plan, day_index, item_index)
        allowed = {e.id: e for e in catalogue.substitutes(
            item["exercise_id"], inputs.equipment, inputs.injuries, inputs.level)}
        replacement = allowed.get(new_exercise_id)
        if replacement is None:
            raise ValidationError("That exercise is not a safe substitute with your equipment.",
                                  field="exercise")
        plan = _swapped(row.plan, day_index, item_index, replacement, inputs)
        problems = validate_plan(plan, inputs)
        if problems:
            raise ValidationError(f"That swap would break the plan: {problems[0].message}",
                                  field="exercise")
        row.plan = block.with_block(plan, inputs, load_catalogue())
        row.updated_at = utcnow()
        session.add(row)
        return _stored(row)


# -- the block's weeks ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanWeek:
    number: int  # 1-based
    weeks: int  # the block's length
    deload: bool
    days: list[dict[str, Any]]  # every day's exercises with this week's targets laid over


def plan_weeks(plan: dict[str, Any], inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored plan's weeks; derived from its days for a plan kept before plans had weeks
    (empty when even that cannot be done)."""
    weeks = plan.get("weeks")
    if isinstance(weeks, list) and weeks:
        return weeks
    try:
        plan_inputs = _stored_inputs(inputs)
    except PlanInputError:
        return []
    if validate_plan(plan, plan_inputs):
        return []
    return block.block_weeks(plan["days"], plan_inputs, load_catalogue())


def finished_sessions(session: Session, user_id: int, plan_id: int) -> int:
    """Workouts the person finished from this plan (they set the week of the block)."""
    return session.exec(select(func.count()).where(
        WorkoutSession.user_id == user_id, WorkoutSession.plan_id == plan_id,
        WorkoutSession.status == SESSION_FINISHED)).one()


def plan_week(plan: dict[str, Any], inputs: dict[str, Any], done: int,
              number: int | None = None) -> PlanWeek | None:
    """Week ``number`` of the plan (the current one, from ``done`` finished workouts, when
    None); None when the plan has no readable weeks."""
    weeks = plan_weeks(plan, inputs)
    days = plan.get("days", [])
    if not weeks or not isinstance(days, list):
        return None
    days_per_week = max(1, len(days))
    if number is None or not 1 <= number <= len(weeks):
        number = block.current_week(done, days_per_week, len(weeks))
    week = weeks[number - 1]
    laid = []
    for day, targets in zip(days, week.get("days", []), strict=False):
        try:
            laid.append({**day, "estimated_minutes": targets.get("estimated_minutes"),
                         "exercises": block.laid_over(day["exercises"], targets["exercises"])})
        except (KeyError, TypeError, ValueError, AttributeError):
            laid.append(day)
    return PlanWeek(number=number, weeks=len(weeks), deload=bool(week.get("deload")), days=laid)


def current_week(user_id: int, plan_id: int, number: int | None = None) -> PlanWeek | None:
    """The week of the block the person is in for one of their plans (or week ``number``)."""
    with db.read_only() as session:
        row = _owned(session, user_id, plan_id)
        return plan_week(row.plan, row.inputs, finished_sessions(session, user_id, plan_id), number)


def restore_plan(user_id: int, plan: Any, inputs: Any, *, name: str, engine: str, seed: int,
                 active: bool, created_at: datetime) -> StoredPlan:
    """Keep a plan from the person's own export as it was (name, engine, seed, inputs, when it
    was made, active or not) once it passes every check a plan from an AI provider passes
    (`ai_plans.plan_problems`) against the inputs it was built from; ValidationError (field
    "plan") names the first problem. The person's other plans are left as they are: the
    caller marks at most one active."""
    if not isinstance(plan, dict) or not isinstance(inputs, dict):
        raise ValidationError("The plan and its inputs must be objects with named fields.", field="plan")
    try:
        checked = _stored_inputs(inputs)
    except PlanInputError as exc:
        raise ValidationError(f"Its inputs: {exc.key}: {exc.detail}.", field="plan") from exc
    problems = ai_plans.plan_problems(plan, checked)
    if problems:
        raise ValidationError(f"It breaks a rule every plan keeps: {problems[0]}.", field="plan")
    with db.transaction() as session:
        row = WorkoutPlan(user_id=user_id, name=_clean_name(name or _default_name(plan)), is_active=active,
                          engine=engine, seed=seed, inputs=checked.to_dict(), plan=plan,
                          created_at=created_at, updated_at=created_at)
        session.add(row)
        session.flush()
        return _stored(row)
