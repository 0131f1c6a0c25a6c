"""The History page: finished workouts, newest first, a page at a time, with filters; each
card lists its exercises and the sets done of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import reflex as rx

from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach import replies as coach_replies
from vigor_app.services.coach import text_blocks
from vigor_app.services.counts import minutes_text, plural
from vigor_app.services.errors import VigorError
from vigor_app.services.plans import profiles
from vigor_app.services.training import (
    record_words,
    set_kinds,
    workout_history,
    workout_sessions,
    workout_views,
)
from vigor_app.services.units import mass_text
from vigor_app.state.arguments import form_field, record_id, text, whole
from vigor_app.state.auth import AuthState
from vigor_app.state.exercise_history import SetChip, exercise_href, set_chips, when_text

PER_PAGE = 10


@dataclass
class CardExercise:
    """One exercise of a History card: its name, its page ("" for none), its sets."""

    name: str = ""
    href: str = ""
    sets: list[SetChip] = field(default_factory=list)


@dataclass
class HistoryCard:
    id: str = ""
    name: str = ""
    when: str = ""
    minutes: str = ""
    sets: str = ""  # "5 sets + 2 warm-ups"
    summary: str = ""  # "45 minutes · 2 exercises · 5 sets + 2 warm-ups · 1,720 kg lifted · effort 7"
    lines: list[CardExercise] = field(default_factory=list)


def finished_text(view: workout_views.SessionView) -> str:
    """A workout just finished, counted as its History card counts it: working sets done, the
    exercises with one, its minutes ("Push: 8 sets across 4 exercises in 1 minute.")."""
    worked = [sum(1 for s in e.sets if s.done and set_kinds.counts(s.kind)) for e in view.entries]
    sets, exercises = sum(worked), sum(1 for n in worked if n)
    return (f"{view.name}: {plural(sets, 'set')} across {plural(exercises, 'exercise')} "
            f"in {minutes_text(view.duration_seconds)}.")


def _card(item: workout_history.HistoryItem, units: str, zone: ZoneInfo,
          done: list[workout_history.LoggedExercise]) -> HistoryCard:
    minutes = str(round((item.duration_seconds or 0) / 60))
    sets = plural(item.sets, "set") + (f" + {plural(item.warmup_sets, 'warm-up')}" if item.warmup_sets else "")
    parts = [minutes_text(item.duration_seconds), plural(item.exercises, "exercise"), sets]
    if item.volume_kg > 0:
        parts.append(f"{mass_text(item.volume_kg, units)} lifted")
    parts.append(f"effort {item.intensity}" if item.intensity else "effort —")
    return HistoryCard(
        id=str(item.id), name=item.name, when=when_text(item.started_at, zone), minutes=minutes, sets=sets,
        summary=" · ".join(parts),
        lines=[CardExercise(name=e.name, href=exercise_href(e.exercise_id) if e.known else "",
                            sets=set_chips(e.sets, units)) for e in done])


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class HistoryState(AuthState):
    items: list[HistoryCard] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    total_text: str = "0 workouts"
    exercise: str = ""
    exercise_options: list[dict[str, str]] = []
    date_from: str = ""
    date_to: str = ""
    error: str = ""
    finished_summary: str = ""
    finished_records: list[str] = []
    analysis: str = ""
    analysing: bool = False

    @rx.var
    def analysis_blocks(self) -> list[text_blocks.Block]:
        """The workout's analysis as blocks of text (no Markdown library in the browser)."""
        return text_blocks.blocks(self.analysis)

    def _refresh(self) -> None:
        user = self._current_user()
        if user is None:
            self.items = []
            return
        profile = profiles.get_profile(user.id)
        zone, units = ZoneInfo(profile.timezone), profile.units
        start, end = _parse_day(self.date_from), _parse_day(self.date_to)
        result = workout_history.history(
            user.id, page=self.page, per_page=PER_PAGE, exercise_id=self.exercise or None,
            start=datetime.combine(start, time.min, zone) if start else None,
            end=datetime.combine(end + timedelta(days=1), time.min, zone) if end else None,
        )
        self.page, self.pages, self.total = result.page, result.pages, result.total
        self.total_text = plural(result.total, "workout")
        done = workout_history.logged_sets(user.id, [i.id for i in result.items])
        self.items = [_card(i, units, zone, done.get(i.id, [])) for i in result.items]

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            return
        self.error = ""
        logged = workout_history.logged_exercises(user.id)
        self.exercise_options = [{"id": e, "name": catalogue.find_exercise(e).name if catalogue.find_exercise(e)
                                  else e} for e in logged]
        self.finished_summary, self.finished_records, self.analysis = "", [], ""
        finished = record_id(self.router.url.query_parameters.get("finished", ""))
        self.page = 1
        self._refresh()
        if finished:
            self._summarise(user.id, finished)
            if self.finished_summary:
                return HistoryState.analyse(finished)
        return None

    def _summarise(self, user_id: int, session_id: int) -> None:
        try:
            view = workout_views.get_session(user_id, session_id)
        except VigorError:
            return
        self.finished_summary = finished_text(view)
        hits = workout_history.session_records(user_id, session_id)
        names = {e.exercise_id: e.name for e in view.entries}
        units = profiles.get_profile(user_id).units
        self.finished_records = sorted({record_words.record_text(h.kind, h.value, h.reps, units,
                                                                 names.get(h.exercise_id, h.exercise_id))
                                        for h in hits})

    @rx.event(background=True)
    async def analyse(self, session_id: int):
        """The coach's analysis of the workout just finished (a provider may take seconds)."""
        async with self:
            user = self._current_user()
            if user is None:
                return
            self.analysing = True
        try:
            message = await coach_replies.write_analysis(user.id, record_id(session_id))
            text = message.content
        except VigorError:
            text = ""
        async with self:
            self.analysis, self.analysing = text, False

    @rx.event
    def set_filter(self, field: str, value: str):
        if field not in ("exercise", "date_from", "date_to"):
            return
        value = text(value, 80)
        if field == "exercise" and value and value not in {o["id"] for o in self.exercise_options}:
            return
        if field != "exercise" and value and _parse_day(value) is None:
            self.error = "Dates look like 2026-11-22."
            return
        self.error = ""
        setattr(self, field, value)
        self.page = 1
        self._refresh()

    @rx.event
    def go_to(self, page: int):
        wanted = whole(page, -(10**9), 10**9)
        if wanted is None:
            return
        self.page = max(1, min(wanted, self.pages))
        self._refresh()

    @rx.event
    def delete(self, session_id: str):
        deleted = self._as_user(lambda user: workout_sessions.delete_session(user.id, record_id(session_id)),
                                error="error")
        if not deleted.ok:
            return deleted.answer
        self._refresh()
        return rx.toast.success("Workout deleted.")

    @rx.event
    def edit_duration(self, form_data: dict):
        edited = self._as_user(
            lambda user: workout_sessions.edit_finished(user.id, record_id(form_field(form_data, "session_id")),
                                                duration_minutes=form_field(form_data, "minutes")),
            error="error")
        if not edited.ok:
            return edited.answer
        self._refresh()
        return rx.toast.success("Workout updated.")
