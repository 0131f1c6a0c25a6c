"""One exercise's history: the person's bests, a chart per workout, every workout's sets. Layout only."""

from __future__ import annotations

import reflex as rx

from vigor_app.components import charts
from vigor_app.components.layout import compact_card, section_card
from vigor_app.components.shell import app_page, page_header
from vigor_app.pages.history import set_chips
from vigor_app.state.exercise_history import ROUTE, WorkoutSets
from vigor_app.state.exercise_history import ExerciseHistoryState as S

LINE_COLOURS = ("#f76b15", "#3e63dd")  # the Progress page's first two


def _back() -> rx.Component:
    return rx.link(rx.hstack(rx.icon("arrow-left", size=16), rx.text("History", size="2"), align="center",
                             spacing="1"),
                   href="/history", underline="none")


def _bests() -> rx.Component:
    return section_card(
        "Your records",
        rx.cond(S.bests.length() == 0,
                rx.text("Your records show here once you have done a working set of it.", size="2",
                        color_scheme="gray")),
        rx.grid(
            rx.foreach(S.bests, lambda best: rx.vstack(
                rx.text(best["label"], size="1", color_scheme="gray"),
                rx.text(best["value"], size="4", weight="bold"),
                spacing="0",
            )),
            columns=rx.breakpoints(initial="2", sm="3", md="4"),
            spacing="4",
            width="100%",
        ),
    )


def _axes() -> list[rx.Component]:
    return [charts.cartesian_grid(stroke_dasharray="3 3", opacity=0.4), charts.x_axis(data_key="x"),
            charts.y_axis(width=48, domain=["auto", "auto"], padding={"top": 12, "bottom": 12}),
            charts.graphing_tooltip(), charts.legend()]


def _value_line() -> rx.Component:
    return charts.line(data_key="value", name=S.chart_name, stroke=LINE_COLOURS[0], stroke_width=2,
                            is_animation_active=False)


def _chart() -> rx.Component:
    lifted = charts.line_chart(
        _value_line(),
        charts.line(data_key="top", name="Heaviest set", stroke=LINE_COLOURS[1], stroke_width=2,
                         is_animation_active=False),
        *_axes(), data=S.chart, width="100%", height=260,
    )
    other = charts.line_chart(_value_line(), *_axes(), data=S.chart, width="100%", height=260)
    return section_card(
        "Over time",
        rx.text(S.chart_intro, size="2", color_scheme="gray"),
        rx.cond(S.chart.length() == 0,
                rx.text("Log a working set of it to start the chart.", size="2", color_scheme="gray"),
                rx.cond(S.lifted, lifted, other)),
    )


def _workout(workout: WorkoutSets) -> rx.Component:
    return compact_card(
        rx.hstack(
            rx.heading(workout.when, size="3", as_="h3"),
            rx.text(workout.name, size="2", color_scheme="gray"),
            wrap="wrap",
            align="baseline",
            spacing="3",
            width="100%",
        ),
        set_chips(workout.sets),
    )


def _workouts() -> rx.Component:
    return rx.vstack(
        rx.heading("Workouts", size="5", as_="h2"),
        rx.text(S.total_text, ", newest first.",
                size="2", color_scheme="gray"),
        rx.foreach(S.workouts, _workout),
        rx.cond(S.more, rx.center(rx.button("Show more", variant="soft", size="3", on_click=S.show_more),
                                  width="100%")),
        spacing="3",
        width="100%",
    )


def _found() -> rx.Component:
    return rx.cond(
        S.total == 0,
        rx.callout(rx.text("You have not finished a workout with ", S.name, " yet. ",
                           rx.link("Start one", href="/workouts"), "."),
                   icon="info", color_scheme="gray", width="100%"),
        rx.vstack(_bests(), _chart(), _workouts(), spacing="4", width="100%"),
    )


@app_page(ROUTE, "Exercise history", on_load=[S.load])
def exercise_history_page() -> rx.Component:
    return rx.vstack(
        _back(),
        rx.cond(
            ~S.loaded,
            rx.center(rx.spinner(size="3"), padding="32px", width="100%"),
            rx.cond(
                S.missing != "",
                rx.vstack(
                    page_header("Exercise history"),
                    rx.callout(S.missing, icon="search-x", color_scheme="red", role="alert", width="100%"),
                    width="100%",
                ),
                rx.vstack(
                    page_header(S.name, "Every workout you have done it in, your records and your progress."),
                    rx.cond(S.custom, rx.badge("Your own exercise", variant="soft", color_scheme="gray")),
                    _found(),
                    width="100%",
                ),
            ),
        ),
        spacing="4",
        width="100%",
        max_width="760px",
    )
