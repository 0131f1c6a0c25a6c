"""The Progress page: strength over time, weekly volume, consistency, body metrics, records."""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import profiles
from vigor_app.services.training import body_metrics, progress
from vigor_app.services.training.record_words import record_amount, record_label
from vigor_app.services.units import one_decimal
from vigor_app.services.vocabulary_labels import label
from vigor_app.state.arguments import form_field, text
from vigor_app.state.auth import AuthState


class ProgressState(AuthState):
    units: str = "kg"
    exercise: str = ""
    exercise_options: list[dict[str, str]] = []
    strength: list[dict[str, Any]] = []
    volume: list[dict[str, Any]] = []
    volume_groups: list[dict[str, str]] = []
    sessions: list[dict[str, Any]] = []
    week_target: int = 0
    body: list[dict[str, Any]] = []
    records: list[dict[str, str]] = []
    metric_errors: dict[str, str] = {}
    metric_date: str = ""

    def _load_strength(self, user_id: int) -> None:
        if not self.exercise:
            self.strength = []
            return
        series = progress.strength_series(user_id, self.exercise)
        self.strength = [{"x": p["x"], "e1rm": one_decimal(p.get("e1rm_kg"), self.units),
                          "top": one_decimal(p.get("top_weight_kg"), self.units)} for p in series.points]

    def _load_body(self, user_id: int) -> None:
        series = progress.body_series(user_id)
        self.body = [{"x": p["x"], "weight": one_decimal(p.get("weight_kg"), self.units),
                      "waist": p.get("waist_cm"), "body_fat": p.get("body_fat_pct")} for p in series.points]

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            return
        self.units = profiles.get_profile(user.id).units
        options = progress.exercise_options(user.id)
        self.exercise_options = [{"id": o.exercise_id, "name": o.name} for o in options]
        if self.exercise not in {o.exercise_id for o in options}:
            self.exercise = progress.chart_default(options)
        self._load_strength(user.id)
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
        self._load_strength(user.id)

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
