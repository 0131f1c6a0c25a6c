"""The Workouts page: generate, view, swap, rename, regenerate, delete and activate plans."""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.ai import feedback
from vigor_app.services.ai.outcomes import REASON_BUDGET, REASON_QUOTA
from vigor_app.services.catalogue import catalogue
from vigor_app.services.errors import VigorError
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles, warmups
from vigor_app.services.training import workout_sessions, workout_sets, workout_views
from vigor_app.services.units import KG
from vigor_app.services.vocabulary import FOCUS_AREAS, INTENSITIES
from vigor_app.services.vocabulary_labels import label
from vigor_app.state.arguments import choice, form_field, record_id, text, whole
from vigor_app.state.auth import AuthState

FOCUS_OPTIONS = [("", "No particular focus")] + [(w, label(w)) for w in FOCUS_AREAS]
INTENSITY_OPTIONS = [(w, label(w)) for w in INTENSITIES]
REASON_LIMIT = feedback.MAX_REASON  # the longest reason a thumbs down may give
LIMIT_REASONS = frozenset({REASON_QUOTA, REASON_BUDGET})  # the built-in engine answered for a limit


@dataclass
class ItemView:
    index: int = 0
    name: str = ""
    prescription: str = ""
    reason: str = ""
    cue: str = ""
    variations: str = ""
    note: str = ""  # what this week asks of the exercise
    warmup: str = ""  # the warm-up ramp of a main barbell or dumbbell lift


@dataclass
class DayView:
    index: int = 0
    name: str = ""
    weekday: str = ""
    minutes: str = ""
    warmup: str = ""
    cooldown: str = ""
    exercises: list[ItemView] = field(default_factory=list)


def _names(items) -> str:
    return ", ".join(i.get("name", "") for i in items if isinstance(i, dict))


def _exercise_name(exercise_id) -> str:
    found = catalogue.find_exercise(exercise_id) if exercise_id else None
    return found.name if found else ""


def _item_view(index: int, item: dict, working: dict[str, float] | None = None, units: str = KG) -> ItemView:
    found = catalogue.find_exercise(item.get("exercise_id"))
    steps = item.get("warmup_sets")
    ramp = ""
    if found is not None and isinstance(steps, list) and steps:
        ramp = warmups.ramp_text(steps, (working or {}).get(found.id), warmups.kit_of(found), units)
    reps = str(item.get("reps", ""))
    parts = [f"{item.get('sets', '?')} × {reps}{'' if reps.endswith('s') else ' reps'}",
             f"{item.get('rest_seconds', '?')} s rest"]
    if item.get("rpe"):
        parts.append(f"RPE {item['rpe']}")
    easier, harder = _exercise_name(item.get("easier")), _exercise_name(item.get("harder"))
    variations = " · ".join(p for p in (f"Easier: {easier}" if easier else "",
                                        f"Harder: {harder}" if harder else "") if p)
    return ItemView(index=index, name=str(item.get("name", "")),
                    prescription=" · ".join(parts), reason=str(item.get("reason", "")),
                    cue=found.cue if found else "", variations=variations, note=str(item.get("note", "")),
                    warmup=ramp)


def day_views(plan: dict, days: list[dict] | None = None, working: dict[str, float] | None = None,
              units: str = KG) -> list[DayView]:
    """The plan's days as shown (``days``: one week's, targets laid over; else the plan's own)."""
    views = []
    for index, day in enumerate(plan.get("days", []) if days is None else days):
        views.append(DayView(
            index=index, name=str(day.get("name", f"Day {index + 1}")),
            weekday=label(day["weekday"]) if day.get("weekday") else "",
            minutes=f"about {day.get('estimated_minutes', '?')} min",
            warmup=_names(day.get("warmup", [])), cooldown=_names(day.get("cooldown", [])),
            exercises=[_item_view(i, item, working, units) for i, item in enumerate(day.get("exercises", []))],
        ))
    return views


MAX_PLAN_INDEX = 50  # more days or exercises than any plan holds
NOT_IN_PLAN = "That exercise is not in the plan any more."


class WorkoutsState(AuthState):
    onboarded: bool = True
    plans: list[dict[str, str]] = []
    selected_id: str = ""
    plan_name: str = ""
    plan_active: bool = False
    plan_engine: str = ""
    rest_days: str = ""
    days: list[DayView] = []
    generating: bool = False
    error: str = ""
    notice: str = ""  # why the built-in engine wrote the last plan instead of an AI provider
    notice_about_limits: bool = False  # a quota or budget: the Membership page tells more
    # The "new plan" request; empty means "as in my profile".
    req_days: str = ""
    req_minutes: str = ""
    req_intensity: str = "normal"
    req_focus: str = ""
    # Swapping one exercise.
    swap_open: bool = False
    swap_day: int = 0
    swap_item: int = 0
    swap_for: str = ""
    swap_choices: list[dict[str, str]] = []
    in_progress: str = ""  # the name of an unfinished workout, to resume it
    # The block's weeks: the one shown, the one the person is in, and what the plan notes.
    week: str = ""
    current_week: int = 0
    week_options: list[dict[str, str]] = []
    week_summary: str = ""
    plan_notes: list[str] = []
    # The person's thumbs on the plan shown, and the reason a thumbs down asks for.
    plan_vote: str = ""
    reason_open: bool = False
    reason_error: str = ""

    def _show_week(self, user: CurrentUser, stored: plan_library.StoredPlan) -> list[dict] | None:
        """Fill the week picker; the days of the week to show (None: the plan has no weeks)."""
        now = plan_library.current_week(user.id, stored.id)
        asked = whole(self.week, 1, now.weeks) if now is not None and self.week else None
        shown = now if asked is None or now is None or asked == now.number else \
            plan_library.plan_week(stored.plan, stored.inputs, 0, asked)
        if now is None or shown is None:
            self.week, self.current_week, self.week_options, self.week_summary = "", 0, [], ""
            return None
        self.current_week, self.week = now.number, str(shown.number)
        self.week_options = [
            {"value": str(n), "label": f"Week {n}" + (" · deload" if n == now.weeks else "")
             + (" (this week)" if n == now.number else "")}
            for n in range(1, now.weeks + 1)]
        self.week_summary = (
            f"Week {shown.number} of {shown.weeks}: "
            + ("deload - the same lifts, about half the sets and lighter, so you start the next block fresh."
               if shown.deload else
               "the plan's starting targets." if shown.number == 1 else
               "each exercise a step on from last week (weight, reps or time, as noted)."))
        return shown.days

    def _show_plan(self, stored: plan_library.StoredPlan | None, user: CurrentUser | None = None) -> None:
        if stored is None or user is None:
            self.selected_id, self.plan_name, self.plan_engine, self.rest_days = "", "", "", ""
            self.plan_active, self.days, self.plan_notes = False, [], []
            self.week, self.week_options, self.week_summary, self.current_week = "", [], "", 0
            self.plan_vote, self.reason_open, self.reason_error = "", False, ""
            return
        if str(stored.id) != self.selected_id:
            self.week = ""  # another plan: show the week its person is in
            self.reason_open, self.reason_error = False, ""
        given = feedback.votes(user.id, feedback.PLAN, [stored.id]).get(stored.id)
        self.plan_vote = feedback.word(given.vote if given else None)
        self.selected_id = str(stored.id)
        self.plan_name = stored.name
        self.plan_active = stored.is_active
        self.plan_engine = ("Built-in plan engine" if stored.engine == plan_library.BUILTIN_ENGINE
                            else f"Written by {stored.engine}")
        self.rest_days = ", ".join(label(d) for d in stored.plan.get("rest_days", []))
        week_days = self._show_week(user, stored)
        items = [item for day in (week_days or stored.plan.get("days", [])) for item in day.get("exercises", [])]
        ramped = [str(i.get("exercise_id")) for i in items if i.get("warmup_sets")]
        self.days = day_views(stored.plan, week_days, workout_sets.last_working_weights(user.id, ramped),
                              profiles.get_profile(user.id).units)
        notes = stored.plan.get("notes")
        self.plan_notes = [str(n.get("text", ""))[:400] for n in notes if isinstance(n, dict)] \
            if isinstance(notes, list) else []

    def _refresh(self, user: CurrentUser, show_id: int | None = None) -> None:
        stored = plan_library.list_plans(user.id)
        self.plans = [{"id": str(p.id), "name": p.name + (" (active)" if p.is_active else "")} for p in stored]
        wanted = show_id if show_id is not None else self._selected()
        chosen = next((p for p in stored if p.id == wanted), None) or (stored[0] if stored else None)
        self._show_plan(chosen, user)

    def _user(self) -> CurrentUser | None:
        user = self._current_user()
        if user is None:
            self.plans, self.days = [], []
        return user

    def _selected(self) -> int:
        return record_id(self.selected_id)

    @rx.event
    def load(self):
        user = self._user()
        if user is None:
            return
        self.error = self.notice = ""
        self.swap_open = False
        self.onboarded = profiles.get_profile(user.id).onboarded
        current = workout_views.open_session(user.id)
        self.in_progress = current.name if current else ""
        self._refresh(user)

    @rx.event
    def set_request(self, field: str, value: str):
        if field in ("req_days", "req_minutes", "req_intensity", "req_focus"):
            setattr(self, field, text(value, 32))

    def _request(self) -> dict:
        request: dict = {"intensity": self.req_intensity}
        for key, raw in (("days_per_week", self.req_days), ("session_minutes", self.req_minutes)):
            if raw.strip():
                number = whole(raw, 0, 10**6)
                request[key] = raw if number is None else number
        if self.req_focus:
            request["focus"] = [self.req_focus]
        return request

    @rx.event(background=True)
    async def generate(self):
        """A provider may take seconds to answer, so this runs off the state lock."""
        async with self:
            user = self._user()
            if user is None or self.generating:
                return
            self.generating, self.error, self.notice = True, "", ""
            request = self._request()
        try:
            generated = await plan_library.create_plan_via_gateway(user.id, request)
        except VigorError as exc:
            async with self:
                self.generating, self.error = False, exc.message
            return
        async with self:
            self.generating = False
            self.notice = generated.notice or ""
            self.notice_about_limits = generated.reason in LIMIT_REASONS
            self._refresh(user, show_id=generated.plan.id)
        yield rx.toast.success(f"New plan: {generated.plan.name}")

    @rx.event
    def select_plan(self, plan_id: str):
        user, wanted = self._user(), record_id(plan_id)
        if user is None or not wanted:
            return
        self._refresh(user, show_id=wanted)

    def _act(self, action, *args, done: str = ""):
        def act(user: CurrentUser):
            self.error = ""
            return action(user.id, self._selected(), *args)

        acted = self._as_user(act, error="error")
        if not acted.ok:
            return acted.answer
        show = acted.value.id if isinstance(acted.value, plan_library.StoredPlan) else None
        self._refresh(acted.user, show_id=show)
        return rx.toast.success(done) if done else None

    @rx.event
    def regenerate(self):
        return self._act(plan_library.regenerate_plan, done="Plan rebuilt with new choices.")

    @rx.event
    def activate(self):
        return self._act(plan_library.activate_plan, done="This is now your active plan.")

    @rx.event
    def rename(self, form_data: dict):
        return self._act(plan_library.rename_plan, form_field(form_data, "plan_name"), done="Plan renamed.")

    @rx.event
    def delete(self):
        deleted, self.selected_id = self._selected(), ""
        user = self._user()
        if user is None or not deleted:
            return None
        try:
            plan_library.delete_plan(user.id, deleted)
        except VigorError as exc:
            self.error = exc.message
            self._refresh(user)
            return None  # nothing was deleted: no "Plan deleted."
        self._refresh(user)
        return rx.toast.success("Plan deleted.")

    @rx.event
    def start_day(self, day_index: int):
        """Start logging this day of the plan (or resume the workout already in progress)."""
        def start(user: CurrentUser) -> None:
            if workout_views.open_session(user.id) is None:
                day = whole(day_index, 0, MAX_PLAN_INDEX)
                if day is None:
                    raise VigorError("That day is not in the plan.")
                workout_sessions.start_from_plan(user.id, self._selected(), day)

        started = self._as_user(start, error="error")
        if not started.ok:
            return started.answer
        return rx.redirect("/log")

    @rx.event
    def show_week(self, week: str):
        """Show another week of the block's targets."""
        user = self._user()
        if user is None:
            return
        number = whole(week, 1, 12)
        self.week = str(number) if number is not None else ""
        self._refresh(user)

    @rx.event
    def open_swap(self, day_index: int, item_index: int):
        user = self._user()
        if user is None:
            return
        self.error = ""
        day, item = whole(day_index, 0, MAX_PLAN_INDEX), whole(item_index, 0, MAX_PLAN_INDEX)
        if day is None or item is None:
            self.error = NOT_IN_PLAN
            return
        try:
            options = plan_library.swap_options(user.id, self._selected(), day, item)
            self.swap_for = self.days[day].exercises[item].name
        except (VigorError, IndexError):  # IndexError: the page shows an older version of the plan
            self.error = NOT_IN_PLAN
            return
        self.swap_day, self.swap_item = day, item
        self.swap_choices = [{"id": e.id, "name": e.name, "cue": e.cue} for e in options]
        self.swap_open = True

    @rx.event
    def close_swap(self, _open: bool = False):
        self.swap_open = False

    @rx.event
    def choose_swap(self, exercise_id: str):
        self.swap_open = False
        return self._act(plan_library.swap_exercise, self.swap_day, self.swap_item, text(exercise_id, 200),
                         done="Exercise swapped.")

    # -- the person's thumbs on the plan shown ---------------------------------------------

    @rx.event
    def rate_plan(self, vote: str):
        """A thumb pressed under the plan: the vote given, changed, or taken back (the same
        thumb again); a thumbs down asks for an optional reason."""
        thumb, wanted = choice(vote, feedback.WORDS), self._selected()
        if thumb is None:
            return None
        done = self._as_user(lambda user: feedback.press(user.id, feedback.PLAN, wanted, feedback.WORDS[thumb]))
        if not done.ok:
            return done.answer
        self.plan_vote = feedback.word(done.value)
        self.reason_open, self.reason_error = self.plan_vote == "down", ""
        return None

    @rx.event
    def save_plan_reason(self, form_data: dict):
        wanted, reason = self._selected(), form_field(form_data, "reason")
        if not self.reason_open:
            return None
        done = self._as_user(lambda user: feedback.set_reason(user.id, feedback.PLAN, wanted, reason),
                             error="reason_error")
        if not done.ok:
            return done.answer
        self.reason_open, self.reason_error = False, ""
        return rx.toast.success("Thank you: your reason is kept with the vote.")

    @rx.event
    def close_plan_reason(self):
        self.reason_open, self.reason_error = False, ""
