"""The fitness profile: the onboarding wizard and the Profile page edit the same fields.

Every change goes through `profiles.update_profile`, which checks each value on the server.
"""

from __future__ import annotations

import reflex as rx

from vigor_app.services.accounts.sessions import CurrentUser
from vigor_app.services.plans import profiles
from vigor_app.services.vocabulary import EQUIPMENT, GOALS, INJURIES, LEVELS, WEEKDAYS
from vigor_app.services.vocabulary_labels import label
from vigor_app.state.arguments import flag, text, whole
from vigor_app.state.auth import AuthState

# (field, title, hint) per wizard step; the schedule step holds three fields.
STEPS = [
    ("fitness_level", "Your fitness level", "Be honest: it sets how hard your first week is."),
    ("goals", "Your goals", "Pick one or more. Your plan balances them."),
    ("equipment", "Your equipment", "What you can use where you train. Bodyweight is always included."),
    ("injuries", "Injuries or limitations", "We leave out exercises that could aggravate them."),
    ("schedule", "Your schedule", "How often and how long you can train."),
    ("units", "Units and time zone", "We store kilograms and show your units."),
]
STEP_FIELDS = {
    "fitness_level": ("fitness_level",),
    "goals": ("goals",),
    "equipment": ("equipment",),
    "injuries": ("injuries",),
    "schedule": ("days_per_week", "preferred_weekdays", "session_minutes"),
    "units": ("units", "timezone"),
}
COACH_FIELDS = ("daily_motivation", "motivation_hour")
OPTIONS = {
    "fitness_level": [(w, label(w)) for w in LEVELS],
    "goals": [(w, label(w)) for w in GOALS],
    "equipment": [(w, label(w)) for w in EQUIPMENT if w != "bodyweight"],
    "injuries": [(w, label(w)) for w in INJURIES],
    "preferred_weekdays": [(w, label(w)) for w in WEEKDAYS],
}
LIST_FIELDS = ("goals", "equipment", "injuries", "preferred_weekdays")
ALL_FIELDS = (*(name for fields in STEP_FIELDS.values() for name in fields), *COACH_FIELDS)


class FitnessProfileState(AuthState):
    fitness_level: str = "beginner"
    goals: list[str] = ["general_fitness"]
    equipment: list[str] = ["bodyweight"]
    injuries: list[str] = []
    days_per_week: str = "3"
    preferred_weekdays: list[str] = []
    session_minutes: str = "45"
    units: str = "kg"
    timezone: str = "UTC"
    daily_motivation: bool = False
    motivation_hour: str = "8"
    onboarded: bool = False
    step: int = 0
    errors: dict[str, str] = {}
    saved: bool = False

    @rx.var
    def step_count(self) -> int:
        return len(STEPS)

    @rx.var
    def step_title(self) -> str:
        return STEPS[self.step][1]

    @rx.var
    def step_hint(self) -> str:
        return STEPS[self.step][2]

    @rx.var
    def step_key(self) -> str:
        return STEPS[self.step][0]

    @rx.var
    def progress(self) -> int:
        return round(100 * (self.step + 1) / len(STEPS))

    @rx.var
    def is_last_step(self) -> bool:
        return self.step == len(STEPS) - 1

    def _fill(self, view: profiles.ProfileView, fields: tuple[str, ...] = ALL_FIELDS) -> None:
        """Show the stored values of `fields` (others keep what the person is editing)."""
        for name in fields:
            value = getattr(view, name)
            if isinstance(value, list | bool):
                setattr(self, name, list(value) if isinstance(value, list) else value)
            else:
                setattr(self, name, str(value))
        self.onboarded = view.onboarded

    def _values(self, fields: tuple[str, ...]) -> dict:
        values = {}
        for field in fields:
            value = getattr(self, field)
            if field in ("days_per_week", "session_minutes", "motivation_hour"):
                number = whole(value, -(10**6), 10**6)
                value = value if number is None else number
            values[field] = value
        return values

    def _load(self) -> bool:
        user = self._current_user()
        if user is None:
            return False
        self._fill(profiles.get_profile(user.id))
        self.errors = {}
        self.saved = False
        return True

    @rx.event
    def load(self):
        self._load()

    @rx.event
    def start_onboarding(self):
        self.step = 0
        if not self._load():
            return None
        if not self.onboarded and self.timezone == "UTC":
            return rx.call_script("Intl.DateTimeFormat().resolvedOptions().timeZone",
                                  callback=FitnessProfileState.set_browser_timezone)
        return None

    @rx.event
    def set_browser_timezone(self, value: str):
        """The browser's own time zone, kept when the person has not chosen one yet."""
        if not isinstance(value, str) or self.timezone != "UTC" or value == "UTC":
            return
        self.timezone = value[:64]
        self._save(("timezone",))

    @rx.event
    def toggle(self, field: str, value: str):
        """Tick or untick one word of a list field (goals, equipment, injuries, weekdays)."""
        if field not in LIST_FIELDS:
            return
        current = list(getattr(self, field))
        value = text(value, 64)
        if value in current:
            current.remove(value)
        elif value in dict(OPTIONS[field]):
            current.append(value)
        setattr(self, field, current)
        self.saved = False

    @rx.event
    def set_daily_motivation(self, value: bool):
        if flag(value) is None:
            return
        self.daily_motivation = value
        self.saved = False

    @rx.event
    def set_field(self, field: str, value: str):
        if field not in ("fitness_level", "days_per_week", "session_minutes", "units", "timezone",
                         "motivation_hour"):
            return
        setattr(self, field, text(value, 64))
        self.saved = False

    def _save(self, fields: tuple[str, ...], *, finish: bool = False) -> bool:
        def save(user: CurrentUser) -> profiles.ProfileView:
            self.errors = {}
            return profiles.update_profile(user.id, self._values(fields), finish_onboarding=finish)

        saved = self._as_user(save, error="errors")
        if saved.ok:
            self._fill(saved.value, fields)
        return saved.ok

    def _advance(self):
        """The next step; after the last, onboarding is finished and the plans page opens."""
        if self.step < len(STEPS) - 1:
            self.step += 1
            return None
        if not self._save((), finish=True):
            return None
        return rx.redirect("/workouts")

    @rx.event
    def next_step(self):
        """Save this step (so nothing typed is lost) and move on."""
        if not self._save(STEP_FIELDS[STEPS[self.step][0]]):
            return None
        return self._advance()

    @rx.event
    def skip_step(self):
        """Keep the defaults for this step."""
        self.errors = {}
        return self._advance()

    @rx.event
    def previous_step(self):
        self.errors = {}
        self.step = max(0, self.step - 1)

    @rx.event
    def save_all(self):
        """The Profile page: everything at once."""
        self.saved = self._save(ALL_FIELDS, finish=True)
        if self.saved:
            return rx.toast.success("Profile saved.")
        return None
