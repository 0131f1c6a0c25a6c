"""One exercise's history page: every finished workout that had it, its sets, the person's bests
and a chart; and the set lines the History cards share with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import reflex as rx

from vigor_app.services.counts import plural
from vigor_app.services.errors import VigorError
from vigor_app.services.training import (
    exercise_history,
    record_words,
    records,
    set_kinds,
    set_lines,
)
from vigor_app.services.training.workout_views import SetView
from vigor_app.services.units import distance_unit, from_metres, mass_text, one_decimal, weight_text
from vigor_app.state.arguments import text
from vigor_app.state.auth import AuthState

ROUTE = "/history/exercise"
MAX_REP_BESTS = 12  # "heaviest for N reps" lines shown, fewest reps first


def exercise_href(exercise_id: str) -> str:
    """The address of an exercise's history page."""
    return f"{ROUTE}?id={quote(exercise_id, safe='')}"


@dataclass
class SetChip:
    text: str = ""
    warmup: bool = False


def set_chips(sets: list[SetView], units: str) -> list[SetChip]:
    """Each set as a lifter reads it, warm-ups marked (see ``set_lines``)."""
    return [SetChip(text=set_lines.set_text(s, units), warmup=not set_kinds.counts(s.kind)) for s in sets]


def when_text(moment: datetime, zone: ZoneInfo) -> str:
    """A workout's start in the person's zone: "Mon 16 Nov 2026, 18:00"."""
    return moment.astimezone(zone).strftime("%a %d %b %Y, %H:%M")


@dataclass
class WorkoutSets:
    """One workout on the exercise's page: when, its name, the sets done of the exercise."""

    id: str = ""
    when: str = ""
    name: str = ""
    sets: list[SetChip] = field(default_factory=list)


_CHART = {  # measure -> (the line's name, the line under the chart's heading)
    exercise_history.E1RM: ("Estimated 1-rep max", "Best estimated 1-rep max (Epley) and heaviest set per workout"),
    exercise_history.REPS: ("Most reps", "Most reps in a set per workout"),
    exercise_history.SECONDS: ("Longest set (s)", "Longest set per workout, in seconds"),
    exercise_history.DISTANCE: ("Distance", "Distance per workout"),
}


def _bests(found: exercise_history.ExerciseHistory, units: str) -> list[dict[str, str]]:
    bests = found.bests
    shown = []
    if records.E1RM in bests:
        shown.append({"label": "Best estimated 1-rep max", "value": weight_text(bests[records.E1RM], units)})
    prefix = records.weight_for_reps_key(0)[:-1]
    by_reps = sorted((int(key[len(prefix):]), value) for key, value in bests.items()
                     if key.startswith(prefix) and key[len(prefix):].isdigit())
    shown += [{"label": f"Heaviest for {plural(reps, 'rep')}", "value": weight_text(value, units)}
              for reps, value in by_reps[:MAX_REP_BESTS]]
    if records.SESSION_VOLUME in bests:
        shown.append({"label": "Most volume in a workout", "value": mass_text(bests[records.SESSION_VOLUME], units)})
    if records.LONGEST_HOLD in bests:
        shown.append({"label": "Longest time" if found.distance else "Longest hold",
                      "value": set_lines.time_text(bests[records.LONGEST_HOLD])})
    for kind in (records.LONGEST_DISTANCE, records.FASTEST_5K, records.BEST_PACE):
        if kind in bests:
            shown.append({"label": record_words.record_label(kind, found.name),
                          "value": record_words.record_amount(kind, bests[kind], None, units)})
    return shown


def _chart_value(measure: str, value: float, units: str) -> float | None:
    if measure == exercise_history.E1RM:
        return one_decimal(value, units)
    if measure == exercise_history.DISTANCE:
        return round(from_metres(value, units), 2)
    return value


class ExerciseHistoryState(AuthState):
    exercise_id: str = ""
    name: str = ""
    custom: bool = False
    missing: str = ""  # why there is nothing to show (an exercise not in the person's library)
    loaded: bool = False
    units: str = "kg"
    total: int = 0
    total_text: str = "0 workouts"
    more: bool = False
    limit: int = exercise_history.PAGE
    workouts: list[WorkoutSets] = []
    bests: list[dict[str, str]] = []
    chart: list[dict[str, Any]] = []
    chart_name: str = ""
    chart_intro: str = ""
    lifted: bool = False  # the chart has the heaviest set beside the estimated 1RM

    def _not_found(self, exc: VigorError) -> None:
        self._forget()
        self.missing, self.loaded = exc.message, True

    def _refresh(self, exercise_id: str, limit: int) -> None:
        shown = self._as_user(lambda user: exercise_history.exercise_history(user.id, exercise_id, limit=limit),
                              error=self._not_found)
        if not shown.ok or shown.value is None:
            return
        found, units = shown.value, shown.value.units
        zone = ZoneInfo(found.timezone)
        self.exercise_id, self.name, self.custom, self.units = found.exercise_id, found.name, found.custom, units
        self.missing, self.loaded, self.limit = "", True, limit
        self.total, self.more = found.total, found.more
        self.total_text = plural(found.total, "workout")
        self.workouts = [WorkoutSets(id=str(w.session_id), when=when_text(w.started_at, zone), name=w.name,
                                     sets=set_chips(w.sets, units)) for w in found.sessions]
        self.bests = _bests(found, units)
        name, intro = _CHART[found.measure]
        self.lifted = found.measure == exercise_history.E1RM
        self.chart_name = f"{name} ({distance_unit(units)})" if found.measure == exercise_history.DISTANCE else name
        self.chart_intro = intro + (f", in {units}." if self.lifted else
                                    f", in {distance_unit(units)}." if found.measure == exercise_history.DISTANCE
                                    else ".")
        self.chart = [{"x": p.day.isoformat(), "value": _chart_value(found.measure, p.value, units),
                       "top": one_decimal(p.top_kg, units)} for p in found.points]

    @rx.event
    def load(self):
        self._refresh(text(self.router.url.query_parameters.get("id", ""), 100), exercise_history.PAGE)

    @rx.event
    def show_more(self):
        if self._current_user() is None or not self.exercise_id:  # a tab that changed hands forgot it
            return
        self._refresh(self.exercise_id, min(self.limit + exercise_history.PAGE, exercise_history.MAX_LISTED))
