"""The fitness-profile controls, shared by the onboarding wizard and the Profile page."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.forms import select_field
from vigor_app.state.fitness_profile import OPTIONS, FitnessProfileState

S = FitnessProfileState


def _error(field: str) -> rx.Component:
    return rx.cond(
        S.errors.contains(field),
        rx.text(S.errors[field], id=f"{field}-error", color_scheme="red", size="2", role="alert"),
    )


def _group(legend: str, *children: rx.Component, field: str) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="vigor-label", style={"margin_bottom": "8px"}),
        *children,
        _error(field),
        style={"border": "none", "padding": "0", "margin": "0", "width": "100%"},
    )


def level_field() -> rx.Component:
    return _group(
        "Fitness level",
        rx.radio_group.root(
            rx.vstack(*[
                rx.el.label(rx.hstack(rx.radio_group.item(value=word), rx.text(text), align="center"))
                for word, text in OPTIONS["fitness_level"]
            ], spacing="2"),
            value=S.fitness_level,
            on_change=lambda value: S.set_field("fitness_level", value),
            size="3",
        ),
        field="fitness_level",
    )


def _select(label: str, field: str, options: list[tuple[str, str]]) -> rx.Component:
    """A select for one of the profile's fields (its id and error are the field's name)."""
    return select_field(label, field, options, value=getattr(S, field),
                        on_change=lambda value: S.set_field(field, value), error=_error(field), width="100%")


def checkbox_group(legend: str, field: str, selected: rx.Var[list[str]]) -> rx.Component:
    return _group(
        legend,
        rx.grid(*[
            rx.checkbox(text, checked=selected.contains(word), on_change=lambda _v, w=word: S.toggle(field, w),
                        size="3")
            for word, text in OPTIONS[field]
        ], columns=rx.breakpoints(initial="1", sm="2"), spacing="3"),
        field=field,
    )


def goals_field() -> rx.Component:
    return checkbox_group("Goals", "goals", S.goals)


def equipment_field() -> rx.Component:
    return checkbox_group("Equipment (bodyweight is always included)", "equipment", S.equipment)


def injuries_field() -> rx.Component:
    return checkbox_group("Injuries or limitations", "injuries", S.injuries)


def schedule_fields() -> rx.Component:
    return rx.vstack(
        _select("Training days per week", "days_per_week", [(str(n), f"{n} days") for n in range(2, 7)]),
        checkbox_group("Preferred days (optional)", "preferred_weekdays", S.preferred_weekdays),
        rx.vstack(
            rx.el.label("Session length (minutes)", html_for="session_minutes", class_name="vigor-label"),
            rx.input(id="session_minutes", type="number", min=15, max=120, step=5, value=S.session_minutes,
                     on_change=lambda value: S.set_field("session_minutes", value), size="3",
                     max_width="200px"),
            rx.text("Between 15 and 120 minutes.", size="1", color_scheme="gray"),
            _error("session_minutes"),
            spacing="1",
        ),
        spacing="5",
        width="100%",
    )


def units_fields() -> rx.Component:
    return rx.vstack(
        _select("Units", "units", [("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)")]),
        rx.vstack(
            rx.el.label("Time zone", html_for="timezone", class_name="vigor-label"),
            rx.input(id="timezone", value=S.timezone, on_change=lambda value: S.set_field("timezone", value),
                     size="3", max_length=64, max_width="320px"),
            rx.text("Streaks and 'today' follow this time zone, e.g. Europe/Berlin.", size="1",
                    color_scheme="gray"),
            _error("timezone"),
            spacing="1",
        ),
        spacing="5",
        width="100%",
    )


def form_errors() -> rx.Component:
    return rx.cond(S.errors.contains("form"),
                   rx.callout(S.errors["form"], icon="triangle_alert", color_scheme="red", role="alert"))


def coach_fields() -> rx.Component:
    return rx.vstack(
        rx.checkbox("A daily message from my coach", checked=S.daily_motivation,
                    on_change=S.set_daily_motivation, size="3"),
        _select("At (my local time)", "motivation_hour", [(str(h), f"{h:02d}:00") for h in range(24)]),
        spacing="3",
        width="100%",
    )
