"""The Progress page: strength over time (distance and pace for a run or a row), weekly volume,
consistency, body metrics, records."""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import profiles
from vigor_app.services.training import body_metrics, cardio_progress, progress
from vigor_app.services.training.record_words import record_amount, record_label, record_line
from vigor_app.services.units import distance_text, distance_unit, one_decimal
from vigor_app.services.vocabulary_labels import label
from vigor_app.state.arguments import form_field, text
from vigor_app.state.auth import AuthState


class ProgressState(AuthState):
    units: str = "kg"
    exercise: str = ""
    exercise_options: list[dict[str, str]] = []
    strength: list[dict[str, Any]] = []
    cardio: bool = False  # the chosen exercise is logged with a distance: distance and pace charts
    cardio_points: list[dict[str, Any]] = []
    pace_ticks: list[float] = []  # minutes, a clock's round steps apart; the ends are the axis' domain
    pace_domain: list[float] = [0.0, 10.0]
    cardio_bests: list[str] = []  # "Fastest 5 km: 24:10"
    cardio_totals: str = ""  # "This week 12.4 km · this month 48.2 km"
    distance_unit: str = "km"
    _cardio_ids: list[str] = []
    volume: list[dict[str, Any]] = []
    volume_groups: list[dict[str, str]] = []
    sessions: list[dict[str, Any]] = []
    week_target: int = 0
    body: list[dict[str, Any]] = []
    records: list[dict[str, str]] = []
    metric_errors: dict[str, str] = {}
    metric_date: str = ""

    def _load_exercise(self, user_id: int) -> None:
        self.strength, self.cardio_points, self.cardio_bests, self.cardio_totals = [], [], [], ""
        self.cardio = self.exercise in self._cardio_ids
        if not self.exercise:
            return
        if self.cardio:
            self._load_cardio(user_id)
            return
        series = progress.strength_series(user_id, self.exercise)
        self.strength = [{"x": p["x"], "e1rm": one_decimal(p.get("e1rm_kg"), self.units),
                          "top": one_decimal(p.get("top_weight_kg"), self.units)} for p in series.points]

    def _load_cardio(self, user_id: int) -> None:
        series = cardio_progress.cardio_series(user_id, self.exercise)
        self.cardio_points = cardio_progress.chart_points(series, self.units)
        self.pace_ticks = cardio_progress.pace_ticks(self.cardio_points)
        if self.pace_ticks:
            self.pace_domain = [self.pace_ticks[0], self.pace_ticks[-1]]
        self.cardio_bests = [record_line(kind, value, None, self.units, series.name)
                             for kind, value in series.bests.items()]
        totals = cardio_progress.distance_totals(user_id, self.exercise)
        self.cardio_totals = (f"This week {distance_text(totals.week_m, self.units)} · "
                              f"this month {distance_text(totals.month_m, self.units)}")

    def _load_body(self, user_id: int) -> None:
        series = body_metrics.body_series(user_id)
        self.body = [{"x": p["x"], "weight": one_decimal(p.get("weight_kg"), self.units),
                      "waist": p.get("waist_cm"), "body_fat": p.get("body_fat_pct")} for p in series.points]

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            return
        self.units = profiles.get_profile(user.id).units
        self.distance_unit = distance_unit(self.units)
        options = progress.exercise_options(user.id)
        self.exercise_options = [{"id": o.exercise_id, "name": o.name} for o in options]
        self._cardio_ids = [o.exercise_id for o in options if o.distance]
        if self.exercise not in {o.exercise_id for o in options}:
            self.exercise = progress.chart_default(options)
        self._load_exercise(user.id)
        volume = progress.weekly_volume_by_muscle(user.id)
        self.volume_groups = [{"key": g, "name": label(g)} for g in volume.groups]
        self.volume = [{"x": p["week"], **{g: p.get(g, 0) for g in volume.groups}} for p in volume.points]
        weekly = progress.sessions_per_week(user.id)
        self.week_target = weekly.target
        self.sessions = [{"x": p["week"], "sessions": p["sessions"], "target": p["target"]} for p in weekly.points]
        self._load_body(user.id)
        self.records = [
            {"name": r.exercise_name, "kind": record_label(r.kind, r.exercise_name), "on": r.achieved_on,
             "value": record_amount(r.kind, r.value, r.reps, self.units)}
            for r in progress.records_list(user.id)
        ]
        self.metric_date = date.today().isoformat()

    @rx.event
    def choose_exercise(self, exercise_id: str):
        user = self._current_user()
        wanted = text(exercise_id, 200)
        if user is None or wanted not in {o["id"] for o in self.exercise_options}:
            return
        self.exercise = wanted
        self._load_exercise(user.id)

    @rx.event
    def log_metrics(self, form_data: dict):
        def record(user: CurrentUser) -> None:
            self.metric_errors = {}
            values = {name: form_field(form_data, name) for name in body_metrics.FIELDS if name != "weight_kg"}
            values["weight_kg"] = form_field(form_data, "weight").strip()
            try:
                measured_on = date.fromisoformat(form_field(form_data, "measured_on"))
            except ValueError:
                raise ValidationError("Pick the date of the measurement.", field="measured_on") from None
            body_metrics.record(user.id, measured_on, values, weight_unit=self.units)

        recorded = self._as_user(record, error="metric_errors")
        if not recorded.ok:
            return recorded.answer
        self._load_body(recorded.user.id)
        return rx.toast.success("Measurements saved.")
