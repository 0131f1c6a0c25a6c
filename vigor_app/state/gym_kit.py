"""The Profile page's bar and plates: the plate calculator's kit at the person's gym."""

from __future__ import annotations

import reflex as rx

from vigor_app.services.errors import VigorError
from vigor_app.services.training import plates
from vigor_app.state.arguments import form_field
from vigor_app.state.auth import AuthState


class GymKitState(AuthState):
    bar: str = ""
    plates: str = ""
    unit: str = "kg"
    own: bool = False
    bar_error: str = ""
    plates_error: str = ""

    def _show(self, kit: plates.Kit) -> None:
        self.unit, self.own = kit.unit, kit.own
        self.bar = f"{kit.bar:g}"
        self.plates = ", ".join(f"{p:g}" for p in kit.plates)

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None:
            return
        self.bar_error = self.plates_error = ""
        self._show(plates.kit(user.id))

    @rx.event
    def save(self, form_data: dict):
        """Keep the bar and plates typed (both blank: the usual kit for the person's units)."""
        self.bar_error = self.plates_error = ""

        def show(exc: VigorError) -> None:
            if exc.field == "plates":
                self.plates_error = exc.message
            else:
                self.bar_error = exc.message

        saved = self._as_user(lambda user: plates.save_kit(user.id, form_field(form_data, "bar"),
                                                           form_field(form_data, "plates")), error=show)
        if not saved.ok:
            return saved.answer
        self._show(saved.value)
        return rx.toast.success("Bar and plates saved: the plate calculator uses them.")
