"""The dashboard: today's session, streaks, this week, recent records, a workout to resume."""

from __future__ import annotations

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.admin import membership
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import text_blocks
from vigor_app.services.counts import plural
from vigor_app.services.plans import profiles
from vigor_app.services.training import dashboard, streaks, workout_sessions, workout_views
from vigor_app.services.training.record_words import record_text
from vigor_app.state.auth import AuthState


class DashboardState(AuthState):
    onboarded: bool = True
    has_plan: bool = False
    today_name: str = ""
    today_detail: str = ""
    today_exercises: list[str] = []
    today_done: bool = False
    today_plan_id: int = 0
    today_day_index: int = 0
    week_complete: bool = False
    current_streak_text: str = "0 days"
    longest_streak_text: str = "0 days"
    streak_rule: str = streaks.streak_rule()
    week_sessions: int = 0
    week_target: int = 0
    total_workouts: int = 0
    records: list[str] = []
    open_session: str = ""
    coach_message: str = ""
    allowance_percent: int = 0
    error: str = ""

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            return
        self.onboarded = profiles.get_profile(user.id).onboarded
        summary = dashboard.summary(user.id)
        self.has_plan = summary.has_plan
        today = summary.today_plan
        self.today_name = today.name if today else ""
        self.today_detail = (("Today's session" if today.scheduled else "Next up")
                             + (f" · about {today.estimated_minutes} min" if today.estimated_minutes else "")
                             ) if today else ""
        self.today_exercises = [f"{e['name']} — {e['sets']} × {e['reps']}" for e in today.exercises] if today else []
        self.today_done = bool(today and today.done)
        self.today_plan_id = today.plan_id if today else 0
        self.today_day_index = today.day_index if today else 0
        self.week_complete = summary.week_complete
        self.current_streak_text = plural(summary.current_streak, "day")
        self.longest_streak_text = plural(summary.longest_streak, "day")
        self.week_sessions, self.week_target = summary.week_sessions, summary.week_target
        self.total_workouts = summary.total_workouts
        self.records = [record_text(r.kind, r.value, r.reps, summary.units, r.exercise_name)
                        for r in summary.recent_records]
        self.open_session = summary.open_session.name if summary.open_session else ""
        self.allowance_percent = membership.overview(user.id).highest_percent
        latest = coach_history.latest_from_coach(user.id)
        self.coach_message = latest.content if latest else ""

    @rx.var
    def coach_blocks(self) -> list[text_blocks.Block]:
        """The coach's latest message as blocks of text (no Markdown library in the browser)."""
        return text_blocks.blocks(self.coach_message)

    @rx.event
    def start_today(self):
        def start(user: CurrentUser) -> None:
            if workout_views.open_session(user.id) is None:
                workout_sessions.start_from_plan(user.id, self.today_plan_id, self.today_day_index)

        started = self._as_user(start, error="error")
        if not started.ok:
            return started.answer
        return rx.redirect("/log")
