"""Logging a workout: the open session, saved set by set, with a rest timer.

Everything shown comes from the server's copy of the session (the `training.workout_*`
services return it after every change), so a reload or a second tab resumes exactly where the
person was.
"""

from __future__ import annotations

import time

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.errors import VigorError
from vigor_app.services.plans import profiles
from vigor_app.services.training import (
    previous_sets,
    record_words,
    set_kinds,
    workout_entries,
    workout_sessions,
    workout_sets,
    workout_views,
)
from vigor_app.services.units import distance_unit
from vigor_app.state import log_cards
from vigor_app.state.arguments import flag, record_id, whole
from vigor_app.state.arguments import text as typed_text
from vigor_app.state.auth import AuthState
from vigor_app.state.connection import tab_token
from vigor_app.state.rest_wait import tell_devices, until_over

MAX_REST = 600
REST_DONE_SCRIPT = "window.vigorRestDone && window.vigorRestDone()"  # assets/rest_timer.js


class LoggingState(AuthState):
    session_id: int = 0
    session_name: str = ""
    session_note: str = ""
    editing_past: bool = False  # correcting a finished workout rather than logging one
    units: str = "kg"
    distance_units: str = "km"
    cards: list[log_cards.EntryCard] = []
    # A tick changes only these (Reflex sends a changed variable whole: the cards stay put).
    done_ids: list[int] = []
    set_error_id: int = 0  # the set whose values were refused, and why
    set_error: str = ""
    done_sets: int = 0
    total_sets: int = 0
    error: str = ""
    intensity: str = ""
    # Freestyle: add an exercise by searching the catalogue.
    search: str = ""
    search_results: list[dict[str, str]] = []
    rest_left: int = 0  # the rest timer: seconds left when it was (re)started; the browser counts down
    rest_total: int = 0
    rest_version: int = 0
    _rest_until: float = 0.0
    _rest_generation: int = 0
    # Typed into each set (by id): the browser shows it, so it is not sent back; a tick saves it.
    _typed: dict[int, dict[str, str]] = {}
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
            self.done_ids, self._typed = [], {}
            self._clear_set_error()
            return
        self._change("session_id", view.id)
        self._change("session_name", view.name)
        self._change("session_note", view.note)
        ids = {s.id for e in view.entries for s in e.sets}
        self._typed = {set_id: typed for set_id, typed in self._typed.items() if set_id in ids}
        # Each is set only when it changed: Reflex sends whatever an event sets, whole.
        self._change("cards", log_cards.cards(view, self.units, self._suggestions, self._previous_for(view),
                                              self._typed))
        self._change("done_ids", [s.id for e in view.entries for s in e.sets if s.done])
        self._change("done_sets", len(self.done_ids))
        self._change("total_sets", len(ids))
        if self.set_error_id not in ids:
            self._clear_set_error()

    def _change(self, name: str, value) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)

    def _clear_set_error(self) -> None:
        if self.set_error_id or self.set_error:
            self.set_error_id, self.set_error = 0, ""

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
            if self.error:
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
            return None
        self.units = profiles.get_profile(user.id).units
        self.distance_units = distance_unit(self.units)
        self._typed = {}  # the page is drawn afresh from what is saved
        self._clear_set_error()
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
        self._suggestions = log_cards.suggestions_for(user.id, view) if view and not self.editing_past else {}
        self._display(view)
        if self._rest_until > time.time() and view is not None and not self.editing_past:
            self._show_rest(self._rest_until)  # counted down afresh from what is left
            return LoggingState.follow_rest
        self._end_rest()
        return None

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

    def _row(self, set_id: int) -> tuple[log_cards.EntryCard, log_cards.SetRow] | None:
        for card in self.cards:
            for row in card.rows:
                if row.id == set_id:
                    return card, row
        return None

    def _typed_value(self, row: log_cards.SetRow, field_name: str) -> str:
        """What the set's field shows: typed since the cards were built, or as built."""
        return self._typed.get(row.id, {}).get(field_name, getattr(row, field_name))

    @rx.event
    def edit(self, set_id: int, field_name: str, value: str):
        """What is typed shows at once in the browser and is kept as the set's draft on the
        server (the inputs send it debounced); ticking the set saves it whole. Nothing is sent
        back: the browser shows it already."""
        found = self._row(record_id(set_id))
        if found is None or field_name not in ("reps", "weight", "rpe", "distance", "time"):
            return
        card, row = found
        typed = typed_text(value, 12)
        self._typed = {**self._typed, row.id: {**self._typed.get(row.id, {}), field_name: typed}}
        kept_as = "seconds" if field_name == "reps" and card.timed else field_name
        self._as_user(lambda user: workout_sets.keep_draft(user.id, row.id, kept_as, typed, weight_unit=self.units),
                      error="error")

    @rx.event
    def toggle_done(self, set_id: int):
        """Save the set whole and tick it (or untick it). Only the ticked list changes on the
        page, unless the set is a run or a row (its pace is worked out from what was saved) or a
        lift with a warm-up ramp (worked out from its heaviest weight): then the workout is read
        back, and the cards are sent if they changed."""
        found = self._row(record_id(set_id))
        if found is None:
            return None
        card, row = found
        was_done = row.id in self.done_ids
        typed = lambda name: self._typed_value(row, name)  # noqa: E731
        if card.distance:
            amount = {"distance": typed("distance").strip() or None, "time": typed("time")}
        else:
            amount = {"seconds": typed("reps")} if card.timed else {"reps": typed("reps")}

        def show_error(exc: VigorError) -> None:
            self.set_error_id, self.set_error = row.id, exc.message

        saved = self._as_user(
            lambda user: workout_sets.save_set(user.id, row.id, weight_kg=typed("weight").strip(), weight_unit=self.units,
                                               rpe=typed("rpe") or None, done=not was_done,
                                               with_session=card.distance or card.warmup != "", **amount),
            error=show_error)
        if not saved.ok:
            return saved.answer
        result = saved.value
        if self.set_error_id == row.id:
            self._clear_set_error()
        if result.session is not None:
            self._display(result.session)
        else:
            others = [i for i in self.done_ids if i != row.id]
            self.done_ids = [*others, row.id] if result.saved.done else others
            self.done_sets = len(self.done_ids)
        announced = record_words.new_records_text([(h.kind, h.value, h.reps) for h in result.records], self.units,
                                                  card.name)
        events = [rx.toast.success(announced)] if announced else []
        events += [rx.toast.success(f"{m.title} — {m.message}") for m in result.milestones]
        if not was_done and not self.editing_past and log_cards.rest_due(self.cards, self.done_ids, card.id):
            events.append(LoggingState.start_rest(card.rest_seconds))
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
        shown = log_cards.calculator(user_id, self._calc_exercise_id, self.calc_weight)
        self.calc_kit, self.calc_plates, self.calc_warmups, self.calc_error = (shown.kit, shown.plates,
                                                                              shown.warmups, shown.error)

    @rx.event
    def open_calculator(self, entry_id: int):
        """The plates and the warm-up ramp for a working weight: the heaviest in the card."""
        card = next((c for c in self.cards if c.id == record_id(entry_id)), None)
        user = self._user()
        if card is None or user is None:
            return
        self.calc_entry_id, self.calc_name, self.calc_barbell = card.id, card.name, card.barbell
        self._calc_exercise_id = card.exercise_id
        typed = [self._typed_value(r, "weight") for r in card.rows if r.kind != set_kinds.WARMUP]
        weights = [float(w) for w in typed if log_cards.plain_number(w)]
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
        self._end_rest()
        return [rx.redirect(f"/history?finished={finished_id}"),
                *[rx.toast.success(f"{m.title} — {m.message}") for m in result.milestones]]

    @rx.event
    def discard(self):
        if self._run(workout_sessions.delete_session, self.session_id) is None and self.error:
            return None
        self._display(None)
        self._end_rest()
        return rx.toast.info("Workout discarded.")

    # -- rest timer --------------------------------------------------------------------------
    # The browser counts down from `rest_left` (assets/rest_timer.js; again when `rest_version`
    # changes); the server keeps the wall-clock deadline and answers once, at its end (docs/logging.md).

    def _show_rest(self, until: float) -> None:
        """Show a rest ending at `until` (0: no rest), counted down in the browser."""
        self._rest_until = until
        self.rest_left = max(0, min(MAX_REST, int(round(until - time.time())))) if until else 0
        self.rest_version += 1

    @rx.event
    def adjust_rest(self, seconds: int):
        change = whole(seconds, -MAX_REST, MAX_REST)
        if self.rest_left <= 0 or change is None:
            return None
        self._rest_generation += 1  # the waiting task stops; a new one waits for the new deadline
        until = max(time.time(), self._rest_until + change)
        if until - time.time() < 0.5:  # shortened to nothing: the rest is over now
            self._show_rest(0.0)
            return rx.call_script(REST_DONE_SCRIPT)
        self._show_rest(until)
        return LoggingState.follow_rest

    def _end_rest(self) -> None:
        if self._rest_until or self.rest_left:
            self._rest_generation += 1
            self._show_rest(0.0)

    @rx.event
    def skip_rest(self):
        self._end_rest()

    @rx.event(background=True)
    async def start_rest(self, seconds: int):
        """A rest of `seconds` starts (a newer one replaces it); answered when it is over."""
        async with self:
            member = self._current_user()  # whose devices hear the end of it
            seconds = max(0, min(MAX_REST, whole(seconds, 0, 10**6) or 0))
            self._rest_generation += 1
            generation = self._rest_generation
            self._show_rest(time.time() + seconds if seconds else 0.0)
            self.rest_total = seconds
            until, token = self._rest_until, tab_token(self)
        async for event in self._rest_over(generation, until, token, member.id if member else 0):
            yield event

    @rx.event(background=True)
    async def follow_rest(self):
        """Wait for the rest as it now stands (after −15 s or +15 s, or on a reloaded page)."""
        async with self:
            member = self._current_user()
            generation, until, token = self._rest_generation, self._rest_until, tab_token(self)
        async for event in self._rest_over(generation, until, token, member.id if member else 0):
            yield event

    async def _rest_over(self, generation: int, until: float, token: str, member_id: int):
        """Wait for the deadline while someone is left to tell (`rest_wait`: the tab, or the
        member's devices); then, unless a newer timer took over, end the rest with a beep, and
        push it to the member's devices."""
        if not until or not await until_over(until, token, member_id):
            return
        async with self:
            if self._rest_generation != generation or self._rest_until != until:
                return
            self._show_rest(0.0)
        await tell_devices(member_id)
        yield rx.call_script(REST_DONE_SCRIPT)  # a beep and a vibration where the browser allows
