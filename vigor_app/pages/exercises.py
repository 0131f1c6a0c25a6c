"""The exercise library: search by name, filter by muscle, equipment and pattern. Layout only."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.forms import select_field
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.state.exercises import (
    EQUIPMENT_CHOICES,
    MUSCLE_CHOICES,
    PATTERN_CHOICES,
    ExercisesState,
)


def _filter_select(label: str, field_id: str, value: rx.Var[str], on_change,
                   choices: tuple[tuple[str, str], ...]) -> rx.Component:
    return select_field(label, field_id, [("", "Any"), *choices], name=field_id, value=value, on_change=on_change,
                        style={"max_width": "100%"}, width="100%", align="stretch")


def _filters() -> rx.Component:
    return rx.grid(
        rx.vstack(
            rx.el.label("Search exercises", html_for="exercise-search", class_name="vigor-label"),
            rx.input(
                id="exercise-search",
                type="search",
                placeholder="e.g. squat",
                value=ExercisesState.search_text,
                on_change=ExercisesState.set_search.debounce(300),
                max_length=100,
                size="3",
                width="100%",
            ),
            spacing="1",
            width="100%",
            align="stretch",
        ),
        _filter_select("Muscle", "muscle-filter", ExercisesState.muscle,
                       ExercisesState.set_muscle, MUSCLE_CHOICES),
        _filter_select("Equipment", "equipment-filter", ExercisesState.equipment,
                       ExercisesState.set_equipment, EQUIPMENT_CHOICES),
        _filter_select("Movement pattern", "pattern-filter", ExercisesState.pattern,
                       ExercisesState.set_pattern, PATTERN_CHOICES),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="3",
        width="100%",
        role="search",
        aria_label="Find exercises",
    )


def _summary() -> rx.Component:
    return rx.hstack(
        rx.text(ExercisesState.count_label, weight="medium", size="3", role="status",
                aria_live="polite"),
        rx.cond(
            ExercisesState.filtering & (ExercisesState.match_count > 0),
            rx.button(rx.icon("x", size=14), "Clear filters", variant="ghost", size="2",
                      on_click=ExercisesState.clear_filters),
        ),
        align="center",
        justify="between",
        width="100%",
        min_height="32px",
    )


def _line(title: str, value: rx.Var[str]) -> rx.Component:
    return rx.cond(
        value != "",
        rx.text(rx.text.strong(title + " "), value, size="2"),
    )


def _card(card: rx.Var[dict]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(card["name"], as_="h2", size="4"),
            rx.hstack(
                rx.badge(card["pattern"], variant="soft", color_scheme="gray"),
                rx.badge(
                    card["level"],
                    variant="soft",
                    color_scheme=rx.match(card["level"], ("Beginner", "green"),
                                          ("Intermediate", "amber"), "red"),
                ),
                spacing="2",
                wrap="wrap",
            ),
            _line("Equipment:", card["equipment"]),
            _line("Works:", card["primary_muscles"]),
            _line("Also:", card["secondary_muscles"]),
            _line("Each set:", card["dose"]),
            rx.cond(card["one_side"] != "", rx.text(card["one_side"], size="2", color_scheme="gray")),
            rx.text(card["cue"], size="2", color_scheme="gray"),
            rx.cond(
                card["not_for"] != "",
                rx.text(card["not_for"], size="2", color_scheme="red", weight="medium"),
            ),
            rx.cond(
                card["history"] != "",
                rx.link(rx.hstack(rx.icon("history", size=14), rx.text("Your history"), align="center", spacing="1"),
                        href=card["history"], size="2", aria_label="Your history of " + card["name"]),
            ),
            spacing="2",
            align="start",
        ),
        size="2",
        width="100%",
        role="article",
    )


def _empty() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("search-x")),
        rx.vstack(
            rx.callout.text("No exercises match your search and filters."),
            rx.button("Clear filters", variant="soft", size="2",
                      on_click=ExercisesState.clear_filters),
            spacing="2",
            align="start",
        ),
        color_scheme="gray",
        width="100%",
    )


def _results() -> rx.Component:
    return rx.cond(
        ExercisesState.match_count > 0,
        rx.vstack(
            rx.grid(
                rx.foreach(ExercisesState.cards, _card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                ExercisesState.has_more,
                rx.center(
                    rx.button("Show more", variant="soft", size="3",
                              on_click=ExercisesState.show_more),
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        _empty(),
    )


@app_page("/exercises", "Exercises", on_load=[ExercisesState.load],
          nav=NavItem("Exercises", "book-open", order=50))
def exercises_page() -> rx.Component:
    return rx.vstack(
        page_header("Exercise library", "Every exercise Vigor can put in your plan, and how to do it."),
        _filters(),
        rx.cond(
            ExercisesState.loaded,
            rx.vstack(_summary(), _results(), spacing="3", width="100%"),
            rx.center(rx.spinner(size="3"), padding="32px", width="100%"),
        ),
        spacing="4",
        width="100%",
    )
