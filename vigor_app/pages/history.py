"""History: every finished workout, newest first, with filters, edit and delete."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.ai_text import ai_blocks
from vigor_app.components.layout import compact_card, confirm_dialog
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.state.exercise_history import SetChip
from vigor_app.state.history import CardExercise, HistoryCard
from vigor_app.state.history import HistoryState as S


def _filters() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.el.label("Exercise", html_for="history-exercise", class_name="vigor-label"),
            rx.el.select(rx.el.option("All exercises", value=""),
                         rx.foreach(S.exercise_options, lambda o: rx.el.option(o["name"], value=o["id"])),
                         id="history-exercise", value=S.exercise,
                         on_change=lambda v: S.set_filter("exercise", v), class_name="vigor-select"),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label("From", html_for="history-from", class_name="vigor-label"),
            rx.input(id="history-from", type="date", value=S.date_from,
                     on_change=lambda v: S.set_filter("date_from", v), size="2"),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label("To", html_for="history-to", class_name="vigor-label"),
            rx.input(id="history-to", type="date", value=S.date_to,
                     on_change=lambda v: S.set_filter("date_to", v), size="2"),
            spacing="1",
        ),
        spacing="4",
        wrap="wrap",
    )


def set_chip(chip: SetChip) -> rx.Component:
    """One set as a small chip; a warm-up (marked W) in grey. Plain spans styled by
    assets/layout.css: a page shows hundreds, and a Radix badge each made it slow on a phone."""
    return rx.el.span(chip.text, class_name=rx.cond(chip.warmup, "vigor-chip vigor-chip-warmup", "vigor-chip"))


def set_chips(chips: rx.Var[list[SetChip]]) -> rx.Component:
    return rx.el.div(rx.foreach(chips, set_chip), class_name="vigor-set-chips")


def _exercise_line(line: CardExercise) -> rx.Component:
    """An exercise's name, then its sets: one under the other on a phone, side by side wider."""
    name = rx.cond(line.href != "", rx.link(line.name, href=line.href, size="2", weight="medium"),
                   rx.text(line.name, size="2", weight="medium"))
    return rx.el.div(rx.el.div(name, class_name="vigor-set-name"), set_chips(line.sets),
                     class_name="vigor-set-line")


def _item(item: HistoryCard) -> rx.Component:
    return compact_card(
        rx.hstack(
            rx.heading(item.name, size="4", as_="h2"),
            rx.spacer(),
            rx.text(item.when, size="2", color_scheme="gray"),
            wrap="wrap",
            width="100%",
        ),
        rx.text(item.summary, size="2"),
        rx.cond(item.lines.length() > 0, rx.vstack(rx.foreach(item.lines, _exercise_line), spacing="2", width="100%",
                                                   padding_y="4px")),
        rx.hstack(
            rx.form(
                rx.hstack(
                    rx.input(type="hidden", name="session_id", value=item.id),
                    rx.el.label("Minutes", html_for="minutes-" + item.id, class_name="vigor-label"),
                    rx.input(id="minutes-" + item.id, name="minutes", default_value=item.minutes,
                             input_mode="numeric", size="1", width="64px"),
                    rx.button("Save", type="submit", size="1", variant="soft"),
                    align="center",
                ),
                on_submit=S.edit_duration,
                reset_on_submit=False,
                width="auto",
            ),
            rx.spacer(),
            rx.hstack(
                rx.link(rx.button("Edit sets", size="1", variant="soft", aria_label="Edit sets of " + item.name,
                                  white_space="nowrap"),
                        href="/log?session=" + item.id),
                confirm_dialog(rx.button("Delete", size="1", variant="soft", color_scheme="red",
                                         aria_label="Delete " + item.name),
                               "Delete this workout?", "Its sets and any records they set are removed.",
                               "Delete workout", S.delete(item.id)),
                align="center",
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
    )


@app_page("/history", "History", on_load=[S.load],
          nav=NavItem("History", "history", order=40, tab=True))
def history_page() -> rx.Component:
    return rx.vstack(
        page_header("History", "Every workout you have finished, newest first."),
        rx.cond(S.finished_summary != "", rx.callout(
            rx.vstack(
                rx.text(rx.text.strong("Workout saved. "), S.finished_summary),
                rx.foreach(S.finished_records, lambda r: rx.text("🏆 New record — ", r)),
                spacing="1",
            ),
            icon="party-popper", color_scheme="green", role="status", width="100%")),
        rx.cond(S.analysing, rx.hstack(rx.spinner(size="2"), rx.text("Your coach is looking at this workout…"))),
        rx.cond(S.analysis != "", rx.card(rx.vstack(rx.heading("From your coach", size="3", as_="h2"),
                                                    ai_blocks(S.analysis_blocks), spacing="2"),
                                          width="100%", aria_label="Workout analysis")),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert",
                                          width="100%")),
        _filters(),
        rx.text(S.total_text, size="2", color_scheme="gray"),
        rx.foreach(S.items, _item),
        rx.cond(S.total == 0, rx.text("No workouts here yet. ", rx.link("Start one", href="/workouts"), ".")),
        rx.hstack(
            rx.button("Newer", size="2", variant="soft", disabled=S.page <= 1, on_click=S.go_to(S.page - 1)),
            rx.text("Page ", S.page.to_string(), " of ", S.pages.to_string(), size="2"),
            rx.button("Older", size="2", variant="soft", disabled=S.page >= S.pages, on_click=S.go_to(S.page + 1)),
            align="center",
        ),
        spacing="4",
        width="100%",
        max_width="760px",
    )
