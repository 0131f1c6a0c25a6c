"""Logging a workout: the open session, saved set by set, with a rest timer.

Everything shown comes from the server's copy of the session (the `training.workout_*`
services return it after every change), so a reload or a second tab resumes exactly where the
person was.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.catalogue import catalogue
from vigor_app.services.errors import VigorError
from vigor_app.services.plans import profiles, warmups
from vigor_app.services.training import (
    plates,
    previous_sets,
    record_words,
    set_kinds,
    set_lines,
    suggestions,
    workout_entries,
    workout_sessions,
    workout_sets,
    workout_views,
)
from vigor_app.services.units import (
    clock_text,
    distance_unit,
    entry_distance,
    entry_number,
    pace_text,
)
from vigor_app.services.vocabulary import STRENGTH_PATTERNS
from vigor_app.state.arguments import flag, record_id, whole
from vigor_app.state.arguments import text as typed_text
from vigor_app.state.auth import AuthState
from vigor_app.state.connection import tab_connected

RPE_CHOICES = [""] + [f"{v / 2:g}" for v in range(12, 21)]  # 6 … 10 in half steps
MAX_REST = 600
REST_DONE_SCRIPT = "window.vigorRestDone && window.vigorRestDone()"  # assets/rest_alert.js


@dataclass
class SetRow:
    id: int = 0
    number: int = 0  # its place among the exercise's sets (for labels)
    reps: str = ""
    weight: str = ""
    rpe: str = ""
    done: bool = False
    error: str = ""
    kind: str = set_kinds.NORMAL
    count: str = ""  # what the type menu shows for a working set: its number among them
    distance: str = ""  # a run or a row: km or mi as typed
    time: str = ""  # a run or a row: "25:30"
    pace: str = ""  # "5:06 /km", from the saved distance and time
    previous: str = ""  # what the person did last time for this set


@dataclass
class EntryCard:
    id: int = 0
    name: str = ""
    target: str = ""
    note: str = ""
    timed: bool = False
    rest_seconds: int = 90
    first: bool = False
    last: bool = False
    suggestion: str = ""
    warmup: str = ""  # the warm-up ramp of a plan's main barbell or dumbbell lift
    rows: list[SetRow] = field(default_factory=list)
    distance: bool = False  # logged with a distance and a time
    superset: str = ""  # "Superset A" when it is in one
    calculator: bool = False  # a barbell or dumbbell lift: the plate and warm-up calculator
    barbell: bool = False
    exercise_id: str = ""


def _suggestions_for(user_id: int, view: workout_views.SessionView) -> dict[int, str]:
    """Next-session advice per exercise from the progression rule and what was logged before."""
    advice = {}
    for entry in view.entries:
        if not entry.target_reps:
            continue
        try:
            advice[entry.id] = suggestions.next_targets(user_id, entry.exercise_id, entry.target_reps,
                                                        entry.target_rpe).message
        except VigorError:
            continue
    return advice


def _amount_text(value: int | None) -> str:
    return "" if value is None else str(value)


def _ramps(view: workout_views.SessionView, units: str) -> dict[int, str]:
    """The warm-up ramp of each main barbell or dumbbell lift of a plan's workout, from the
    heaviest weight in its sets (the plan's ``warmups`` rule, applied to what is logged)."""
    if view.plan_id is None:
        return {}
    ramps, position = {}, 0
    for entry in view.entries:
        exercise = catalogue.find_exercise(entry.exercise_id)
        if exercise is None:
            continue
        warmed = any(s.kind == set_kinds.WARMUP for s in entry.sets)  # the ramp is in the sets
        if warmups.needs_ramp(exercise, position) and not warmed:
            working = max((s.weight_kg for s in entry.sets if s.weight_kg), default=None)
            ramps[entry.id] = warmups.ramp_text(warmups.ramp_steps(exercise), working,
                                                warmups.kit_of(exercise), units)
        position += exercise.pattern in STRENGTH_PATTERNS
    return ramps


def _plain_number(text: str) -> bool:
    return text.strip().replace(".", "", 1).isdigit()


def previous_text(one: previous_sets.PreviousSet | None, units: str) -> str:
    """Last time's set as the "previous" line shows it: "60 kg × 8", "45 s", "5 km · 25:30 · …"."""
    if one is None:
        return ""
    return set_lines.amount_text(reps=one.reps, seconds=one.seconds, weight_kg=one.weight_kg,
                                 distance_m=one.distance_m, unit=units)


def _cards(view: workout_views.SessionView, units: str, errors: dict[int, str],
           suggestions: dict[int, str], previous: dict[int, previous_sets.PreviousSet]) -> list[EntryCard]:
    cards = []
    ramps = _ramps(view, units)
    supersets = workout_views.superset_labels(view)
    for i, entry in enumerate(view.entries):
        counted = 0
        rows = []
        for n, s in enumerate(entry.sets):
            counted += set_kinds.counts(s.kind)
            rows.append(SetRow(id=s.id, number=n + 1, reps=_amount_text(s.seconds if entry.timed else s.reps),
                               weight=entry_number(s.weight_kg, units), rpe=f"{s.rpe:g}" if s.rpe else "",
                               done=s.done, error=errors.get(s.id, ""), kind=s.kind, count=str(max(counted, 1)),
                               distance=entry_distance(s.distance_m, units), time=clock_text(s.seconds),
                               pace=pace_text(s.seconds, s.distance_m, units),
                               previous=previous_text(previous.get(s.id), units)))
        exercise = catalogue.find_exercise(entry.exercise_id)
        kit = warmups.kit_of(exercise) if exercise and not exercise.timed else ""
        loaded = bool(exercise) and kit in ("barbell", "dumbbells") and kit in (exercise.equipment_set if exercise
                                                                                 else ())
        cards.append(EntryCard(id=entry.id, name=entry.name, target=entry.target, note=entry.note,
                               timed=entry.timed, rest_seconds=entry.rest_seconds, first=i == 0,
                               last=i == len(view.entries) - 1, suggestion=suggestions.get(entry.id, ""),
                               warmup=ramps.get(entry.id, ""), rows=rows, distance=entry.distance,
                               superset=supersets.get(entry.id, ""), calculator=loaded,
                               barbell=loaded and kit == "barbell", exercise_id=entry.exercise_id))
    return cards


class LoggingState(AuthState):
    session_id: int = 0
    session_name: str = ""
    session_note: str = ""
    editing_past: bool = False  # correcting a finished workout rather than logging one
    units: str = "kg"
    distance_units: str = "km"
    cards: list[EntryCard] = []
    done_sets: int = 0
    total_sets: int = 0
    error: str = ""
    intensity: str = ""
    # Freestyle: add an exercise by searching the catalogue.
    search: str = ""
    search_results: list[dict[str, str]] = []
    # Rest timer.
    rest_left: int = 0
    rest_total: int = 0
    _rest_until: float = 0.0
    _rest_generation: int = 0
    _set_errors: dict[int, str] = {}
    _suggestions: dict[int, str] = {}
    # The plate and warm-up calculator, for one exercise of the workout.
    calc_entry_id: int = 0
    calc_name: str = ""
    calc_barbell: bool = False
    calc_weight: str = ""
    calc_plates: str = ""
    calc_kit: str = ""
    calc_warmups: list[dict[str, str]] = []
    calc_error: str = ""
    _calc_exercise_id: str = ""
    _previous_session: int = 0
    _previous: dict[str, list[previous_sets.PreviousSet]] = {}

    def _display(self, view: workout_views.SessionView | None) -> None:
        if view is None:
            self.session_id, self.session_name, self.session_note, self.cards = 0, "", "", []
            self.done_sets = self.total_sets = 0
            return
        self.session_id = view.id
        self.session_name = view.name
        self.session_note = view.note
        self.cards = _cards(view, self.units, self._set_errors, self._suggestions, self._previous_for(view))
        self.done_sets = view.done_sets
        self.total_sets = sum(len(e.sets) for e in view.entries)

    def _previous_for(self, view: workout_views.SessionView) -> dict[int, previous_sets.PreviousSet]:
        """Last time's sets, read once per workout and exercise (they do not change while it
        is logged)."""
        if self._previous_session != view.id:
            self._previous_session, self._previous = view.id, {}
        missing = [e.exercise_id for e in view.entries if e.exercise_id not in self._previous]
        user = self._current_user() if missing else None
        if user is not None:
            self._previous = {**self._previous, **previous_sets.last_sets(user.id, view, missing)}
        return previous_sets.match(view, self._previous)

    def _user(self) -> CurrentUser | None:
        user = self._current_user()
        if user is None:
            self._display(None)
        return user

    def _run(self, action, *args, **kwargs):
        """Call a service for the signed-in person and show the session it returns."""
        def run(user: CurrentUser):
            self.error = ""
            return action(user.id, *args, **kwargs)

        ran = self._as_user(run, error="error")
        if isinstance(ran.value, workout_views.SessionView):
            self._display(ran.value)
        return ran.value

    @rx.event
    def load(self):
        user = self._user()
        if user is None:
            return
        self.units = profiles.get_profile(user.id).units
        self.distance_units = distance_unit(self.units)
        self._set_errors = {}
        self.error = ""
        self._previous_session, self.calc_entry_id = 0, 0
        wanted = self.router.url.query_parameters.get("session", "")
        view = None
        self.editing_past = False
        if wanted:
            try:
                view = workout_views.get_session(user.id, record_id(wanted))
            except VigorError as exc:
                self.error = exc.message
            self.editing_past = view is not None and view.status == "finished"
        else:
            view = workout_views.open_session(user.id)
        self._suggestions = _suggestions_for(user.id, view) if view and not self.editing_past else {}
        self._display(view)

    @rx.event
    def start_freestyle(self):
        self._run(workout_sessions.start_freestyle)

    # -- sets --------------------------------------------------------------------------------

    def _move(self, action, row_id, offset) -> None:
        steps = whole(offset, -1000, 1000)
        if steps is None:
            self.error = "That move is not possible."
            return
        self._run(action, record_id(row_id), steps)

    def _row(self, set_id: int) -> tuple[EntryCard, SetRow] | None:
        for card in self.cards:
            for row in card.rows:
                if row.id == set_id:
                    return card, row
        return None

    @rx.event
    def edit(self, set_id: int, field_name: str, value: str):
        """What is typed shows at once and is kept as the set's draft on the server (the
        inputs send it debounced); ticking the set saves it whole."""
        found = self._row(record_id(set_id))
        if found is None or field_name not in ("reps", "weight", "rpe", "distance", "time"):
            return
        card, row = found
        typed = typed_text(value, 12)
        setattr(row, field_name, typed)
        self.cards = list(self.cards)
        kept_as = "seconds" if field_name == "reps" and card.timed else field_name
        self._as_user(lambda user: workout_sets.keep_draft(user.id, row.id, kept_as, typed, weight_unit=self.units),
                      error="error")

    @rx.event
    def toggle_done(self, set_id: int):
        found = self._row(record_id(set_id))
        if found is None:
            return None
        card, row = found
        if card.distance:
            amount = {"distance": row.distance.strip() or None, "time": row.time}
        else:
            amount = {"seconds": row.reps} if card.timed else {"reps": row.reps}

        def show_error(exc: VigorError) -> None:
            self._set_errors = {row.id: exc.message}
            row.error = exc.message
            self.cards = list(self.cards)

        saved = self._as_user(
            lambda user: workout_sets.save_set(user.id, row.id, weight_kg=row.weight.strip(), weight_unit=self.units,
                                           rpe=row.rpe or None, done=not row.done, **amount),
            error=show_error)
        if not saved.ok:
            return saved.answer
        result = saved.value
        self._set_errors = {}
        self._display(result.session)
        announced = record_words.new_records_text([(h.kind, h.value, h.reps) for h in result.records], self.units,
                                                  card.name)
        events = [rx.toast.success(announced)] if announced else []
        events += [rx.toast.success(f"{m.title} — {m.message}") for m in result.milestones]
        if not row.done and not self.editing_past and workout_views.round_finished(result.session, card.id):
            events.append(LoggingState.start_rest(card.rest_seconds))  # it was just ticked: rest
        return events

    @rx.event
    def move_set(self, set_id: int, offset: int):
        self._move(workout_sets.move_set, set_id, offset)

    @rx.event
    def add_set(self, entry_id: int):
        self._run(workout_sets.add_set, record_id(entry_id))

    @rx.event
    def set_kind(self, set_id: int, kind: str):
        """Mark a set as a working set, a warm-up, a drop set or a set to failure."""
        self._run(workout_sets.set_kind, record_id(set_id), typed_text(kind, 16))

    @rx.event
    def remove_set(self, set_id: int):
        self._run(workout_sets.remove_set, record_id(set_id))

    # -- exercises ---------------------------------------------------------------------------

    @rx.event
    def move(self, entry_id: int, offset: int):
        self._move(workout_entries.move_exercise, entry_id, offset)

    @rx.event
    def remove_exercise(self, entry_id: int):
        self._run(workout_entries.remove_exercise, record_id(entry_id))

    @rx.event
    def superset_with_next(self, entry_id: int):
        """Do this exercise and the next as a superset: the rest comes after the round."""
        self._run(workout_entries.superset_with_next, record_id(entry_id))

    @rx.event
    def leave_superset(self, entry_id: int):
        self._run(workout_entries.leave_superset, record_id(entry_id))

    # -- the plate and warm-up calculator ----------------------------------------------------

    def _calculate(self, user_id: int) -> None:
        self.calc_plates, self.calc_warmups, self.calc_error = "", [], ""
        kit = plates.kit(user_id)
        self.calc_kit = (f"Bar {kit.bar:g} {kit.unit}; plates {', '.join(f'{p:g}' for p in kit.plates)} {kit.unit}"
                         + ("" if kit.own else " (the usual kit: set yours on your Profile)"))
        try:
            calculation = plates.calculate(user_id, self._calc_exercise_id, self.calc_weight)
        except VigorError as exc:
            self.calc_error = exc.message
            return
        if calculation is not None:
            self.calc_plates = calculation.plates
            self.calc_warmups = [{"weight": f"{step.weight:g} {kit.unit}", "reps": str(step.reps),
                                  "plates": step.plates} for step in calculation.warmups]

    @rx.event
    def open_calculator(self, entry_id: int):
        """The plates and the warm-up ramp for a working weight: the heaviest in the card."""
        card = next((c for c in self.cards if c.id == record_id(entry_id)), None)
        user = self._user()
        if card is None or user is None:
            return
        self.calc_entry_id, self.calc_name, self.calc_barbell = card.id, card.name, card.barbell
        self._calc_exercise_id = card.exercise_id
        weights = [float(r.weight) for r in card.rows if r.kind != set_kinds.WARMUP and _plain_number(r.weight)]
        self.calc_weight = f"{max(weights):g}" if weights else ""
        self._calculate(user.id)

    @rx.event
    def calculator_open(self, value: bool):
        """The calculator's dialog closes (Escape, the close button, a click outside)."""
        if not flag(value):
            self.calc_entry_id = 0

    @rx.event
    def set_calc_weight(self, value: str):
        self.calc_weight = typed_text(value, 12)
        user = self._user()
        if user is not None:
            self._calculate(user.id)

    @rx.event
    def add_warmups(self):
        """Put the calculator's warm-up ramp before the exercise's sets, as warm-up sets."""
        if not self.calc_entry_id:
            return None
        ran = self._as_user(lambda user: workout_sets.add_warmup_ramp(user.id, self.calc_entry_id, self.calc_weight),
                            error="calc_error")
        if not ran.ok:
            return ran.answer
        self._display(ran.value)
        self.calc_entry_id = 0
        return rx.toast.success(f"Warm-up sets added to {self.calc_name}.")

    @rx.event
    def save_note(self, entry_id: int, note: str):
        self._run(workout_entries.set_entry_note, record_id(entry_id), note)

    @rx.event
    def set_search(self, text: str):
        self.search = typed_text(text, 100)
        user = self._user()
        if user is None:
            return
        found = workout_entries.find_exercises(user.id, self.search) if self.search.strip() else []
        self.search_results = [{"id": e.id, "name": e.name} for e in found[:8]]

    @rx.event
    def add_exercise(self, exercise_id: str):
        if self._run(workout_entries.add_exercise, self.session_id, typed_text(exercise_id, 200)) is not None:
            self.search, self.search_results = "", []

    # -- the session -------------------------------------------------------------------------

    @rx.event
    def save_session_note(self, note: str):
        self._run(workout_sessions.set_session_details, self.session_id, note=note)

    @rx.event
    def set_intensity(self, value: str):
        self.intensity = typed_text(value, 2)

    @rx.event
    def finish(self):
        result = self._run(workout_sessions.finish, self.session_id, intensity=self.intensity or None)
        if result is None:
            return None
        finished_id = result.session.id
        self._display(None)
        self.rest_left = 0
        return [rx.redirect(f"/history?finished={finished_id}"),
                *[rx.toast.success(f"{m.title} — {m.message}") for m in result.milestones]]

    @rx.event
    def discard(self):
        if self._run(workout_sessions.delete_session, self.session_id) is None and self.error:
            return None
        self._display(None)
        self.rest_left = 0
        return rx.toast.info("Workout discarded.")

    # -- rest timer --------------------------------------------------------------------------

    @rx.event
    def adjust_rest(self, seconds: int):
        change = whole(seconds, -MAX_REST, MAX_REST)
        if self.rest_left <= 0 or change is None:
            return
        self._rest_until = max(time.monotonic(), self._rest_until + change)
        self.rest_left = max(0, min(MAX_REST, int(round(self._rest_until - time.monotonic()))))

    @rx.event
    def skip_rest(self):
        self._rest_until = 0.0
        self.rest_left = 0

    @rx.event(background=True)
    async def start_rest(self, seconds: int):
        """Count down on the server, a second at a time, for as long as the tab is open; a newer
        timer replaces this one."""
        async with self:
            seconds = max(0, min(MAX_REST, whole(seconds, 0, 10**6) or 0))
            self._rest_generation += 1
            generation = self._rest_generation
            self._rest_until = time.monotonic() + seconds
            self.rest_total = self.rest_left = seconds
        while True:
            await asyncio.sleep(1)
            if not tab_connected(self):  # the tab closed: nobody is left to count down for
                return
            async with self:
                if self._rest_generation != generation or self._rest_until == 0.0:
                    return
                self.rest_left = max(0, int(round(self._rest_until - time.monotonic())))
                if self.rest_left == 0:
                    self._rest_until = 0.0
                    finished = True
                else:
                    finished = False
            if finished:  # time is up: a beep and a vibration where the browser allows
                yield rx.call_script(REST_DONE_SCRIPT)
                return
