"""Logging a workout: one card per exercise, one row per set, one tap to tick a set done."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.layout import compact_card, confirm_dialog
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.state.log_cards import RPE_CHOICES, EntryCard, SetRow
from vigor_app.state.workout_log import LoggingState as S

AMOUNT_WIDTH = rx.breakpoints(initial="56px", sm="72px")
LOAD_WIDTH = rx.breakpoints(initial="60px", sm="80px")
TYPE_STYLE = {"width": "40px", "min_width": "40px", "padding": "6px 0", "font_weight": "bold", "font_size": "15px",
              "text_align": "center", "text_align_last": "center", "appearance": "none", "-webkit-appearance": "none"}
TOUCH = "44px"  # a thumb's target: the set's tick and its menu


def _done(row: SetRow):
    """Whether the set is ticked (a tick changes `done_ids`, not the cards)."""
    return S.done_ids.contains(row.id)


def _number_input(row: SetRow, card: EntryCard, field_name: str, value, label, placeholder, mode: str, width):
    ident = field_name + "-" + row.id.to_string()
    return rx.vstack(
        rx.el.label(label, " set ", row.number, " of ", card.name, html_for=ident, class_name="sr-only"),
        rx.input(id=ident, value=value, input_mode=mode, placeholder=placeholder, debounce_timeout=400,
                 on_change=lambda v: S.edit(row.id, field_name, v), disabled=_done(row), size="3", width=width),
        spacing="0",
    )


def _set_row(card: EntryCard, row: SetRow) -> rx.Component:
    ident = row.id.to_string()
    amount_label = rx.cond(card.timed, "Seconds", "Reps")
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.el.label("Type of set ", row.number, " of ", card.name, html_for="kind-" + ident,
                            class_name="sr-only"),
                rx.el.select(rx.el.option(row.count, value="normal"), rx.el.option("W", value="warmup"),
                             rx.el.option("D", value="drop"), rx.el.option("F", value="failure"),
                             id="kind-" + ident, value=row.kind, on_change=lambda v: S.set_kind(row.id, v),
                             title="Working set, W warm-up, D drop set, F to failure", class_name="vigor-select",
                             style=TYPE_STYLE),
                spacing="0",
                flex_shrink="0",
            ),
            rx.cond(
                card.distance,
                rx.fragment(
                    _number_input(row, card, "distance", row.distance, "Distance (" + S.distance_units + ")",
                                  S.distance_units, "decimal", AMOUNT_WIDTH),
                    _number_input(row, card, "time", row.time, "Time (minutes:seconds)", "mm:ss", "text",
                                  LOAD_WIDTH),
                ),
                rx.fragment(
                    _number_input(row, card, "reps", row.reps, amount_label, amount_label, "numeric", AMOUNT_WIDTH),
                    _number_input(row, card, "weight", row.weight, "Weight (" + S.units + ")", S.units, "decimal",
                                  LOAD_WIDTH),
                ),
            ),
            rx.vstack(
                rx.el.label("RPE set ", row.number, " of ", card.name, html_for="rpe-" + ident,
                            class_name="sr-only"),
                rx.el.select(*[rx.el.option(c or "RPE", value=c) for c in RPE_CHOICES], id="rpe-" + ident,
                             value=row.rpe, on_change=lambda v: S.edit(row.id, "rpe", v), disabled=_done(row),
                             class_name="vigor-select", style={"width": "68px", "min_width": "68px", "padding": "6px 4px"}),
                spacing="0",
            ),
            rx.button(
                rx.cond(_done(row), rx.icon("check", size=16), rx.text("Done")),
                aria_label=rx.cond(_done(row), "Undo set ", "Done set ") + row.number.to_string() + " of " + card.name,
                color_scheme=rx.cond(_done(row), "green", "gray"), variant=rx.cond(_done(row), "solid", "outline"),
                size="2", on_click=S.toggle_done(row.id), min_height=TOUCH, min_width=TOUCH,
            ),
            rx.dropdown_menu.root(
                rx.dropdown_menu.trigger(rx.icon_button(
                    rx.icon("ellipsis-vertical", size=16), variant="ghost", color_scheme="gray", size="2",
                    min_height=TOUCH, min_width=TOUCH,
                    aria_label="More for set " + row.number.to_string() + " of " + card.name)),
                rx.dropdown_menu.content(
                    rx.dropdown_menu.item("Move up", disabled=row.number == 1, on_select=S.move_set(row.id, -1)),
                    rx.dropdown_menu.item("Move down", on_select=S.move_set(row.id, 1)),
                    rx.dropdown_menu.separator(),
                    rx.dropdown_menu.item("Remove set", color="red", on_select=S.remove_set(row.id)),
                ),
            ),
            align="center",
            spacing=rx.breakpoints(initial="1", sm="2"),
        ),
        rx.cond((row.previous != "") | (row.pace != ""), rx.hstack(
            rx.cond(row.previous != "", rx.text("Last time: ", row.previous, size="1", color_scheme="gray")),
            rx.cond(row.pace != "", rx.text("Pace ", row.pace, size="1", color_scheme="gray")),
            spacing="3",
            padding_left="48px",
        )),
        rx.cond(S.set_error_id == row.id, rx.text(S.set_error, color_scheme="red", size="2", role="alert")),
        spacing="1",
    )


def _calculator_button(card: EntryCard) -> rx.Component:
    return rx.cond(card.calculator, rx.button(
        rx.icon("calculator", size=14), rx.cond(card.barbell, "Plates & warm-up", "Warm-up"), size="1",
        variant="soft", color_scheme="gray", aria_label="Plate and warm-up calculator for " + card.name,
        on_click=S.open_calculator(card.id)))


def _superset_button(card: EntryCard) -> rx.Component:
    return rx.cond(
        card.superset != "",
        rx.button(rx.icon("unlink", size=14), "Leave superset", size="1", variant="soft", color_scheme="gray",
                  aria_label="Take " + card.name + " out of its superset", on_click=S.leave_superset(card.id)),
        rx.cond(~card.last, rx.button(
            rx.icon("link", size=14), "Superset with next", size="1", variant="soft", color_scheme="gray",
            aria_label="Superset " + card.name + " with the next exercise", on_click=S.superset_with_next(card.id))),
    )


def _column_labels(card: EntryCard) -> rx.Component:
    def label(text, width) -> rx.Component:
        return rx.text(text, size="1", color_scheme="gray", width=width, flex_shrink="0")

    return rx.hstack(
        label("Set", "40px"),
        rx.cond(card.distance, label(S.distance_units, AMOUNT_WIDTH),
                label(rx.cond(card.timed, "Seconds", "Reps"), AMOUNT_WIDTH)),
        rx.cond(card.distance, label("Time", LOAD_WIDTH), label(S.units, LOAD_WIDTH)),
        label("RPE", "68px"),
        spacing="2",
        aria_hidden="true",
    )


def _card(card: EntryCard) -> rx.Component:
    return compact_card(
        rx.hstack(
            rx.vstack(
                rx.cond(card.superset != "", rx.badge(rx.icon("link", size=12), card.superset, color_scheme="orange",
                                                      variant="soft")),
                rx.heading(card.name, size="4", as_="h2"),
                rx.cond(card.target != "", rx.text("Target: ", card.target, size="2", color_scheme="gray")),
                rx.cond(card.suggestion != "", rx.text(rx.icon("lightbulb", size=12), " ", card.suggestion,
                                                       size="1", color_scheme="orange")),
                rx.cond(card.warmup != "", rx.text(card.warmup, size="1", color_scheme="gray")),
                rx.link("Past workouts", href="/history/exercise?id=" + card.exercise_id, size="1",
                        aria_label="Past workouts of " + card.name),
                spacing="1",
            ),
            rx.spacer(),
            rx.icon_button(rx.icon("arrow-up", size=16), variant="ghost", size="2", disabled=card.first,
                           aria_label="Move " + card.name + " up", on_click=S.move(card.id, -1)),
            rx.icon_button(rx.icon("arrow-down", size=16), variant="ghost", size="2", disabled=card.last,
                           aria_label="Move " + card.name + " down", on_click=S.move(card.id, 1)),
            rx.icon_button(rx.icon("trash-2", size=16), variant="ghost", color_scheme="red", size="2",
                           aria_label="Remove " + card.name, on_click=S.remove_exercise(card.id)),
            align="start",
            width="100%",
        ),
        _column_labels(card),
        rx.foreach(card.rows, lambda row: _set_row(card, row)),
        rx.hstack(
            rx.button(rx.icon("plus", size=14), "Add set", size="1", variant="soft",
                      on_click=S.add_set(card.id)),
            _calculator_button(card),
            _superset_button(card),
            wrap="wrap",
            align="center",
        ),
        rx.el.label("Note for " + card.name, html_for="note-" + card.id.to_string(), class_name="sr-only"),
        rx.input(id="note-" + card.id.to_string(), default_value=card.note, placeholder="Note",
                 on_blur=lambda v: S.save_note(card.id, v), size="1", max_length=500, width="100%"),
        spacing="3",
        border_left=rx.cond(card.superset != "", "4px solid var(--orange-9)", "none"),
    )


def _calculator() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.calc_barbell, "Plates and warm-up", "Warm-up"), ": ", S.calc_name),
            rx.dialog.description(S.calc_kit, size="1", color_scheme="gray"),
            rx.vstack(
                rx.el.label("Working weight (", S.units, ")", html_for="calc-weight", class_name="vigor-label"),
                rx.input(id="calc-weight", value=S.calc_weight, input_mode="decimal",
                         on_change=S.set_calc_weight, max_length=12, width="140px"),
                rx.cond(S.calc_error != "", rx.text(S.calc_error, color_scheme="red", size="2", role="alert")),
                rx.cond(S.calc_plates != "", rx.text(rx.text.strong(S.calc_plates), role="status")),
                rx.cond(S.calc_warmups.length() > 0, rx.vstack(
                    rx.text("Warm-up", weight="bold", size="2"),
                    rx.foreach(S.calc_warmups, lambda w: rx.text(
                        w["weight"], " × ", w["reps"], rx.cond(w["plates"] != "", " · " + w["plates"], ""),
                        size="2")),
                    rx.button("Add these as warm-up sets", size="2", on_click=S.add_warmups),
                    spacing="1",
                )),
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray", size="2")),
                spacing="3",
                margin_top="12px",
            ),
            max_width="440px",
        ),
        open=S.calc_entry_id > 0,
        on_open_change=S.calculator_open,
    )


def _rest_timer() -> rx.Component:
    return rx.cond(
        S.rest_left > 0,
        rx.card(
            rx.hstack(
                rx.icon("timer", size=20),
                # assets/rest_timer.js counts down into these, on the browser's clock.
                rx.text("Rest ", rx.el.strong(data_rest_seconds=S.rest_left, data_rest_version=S.rest_version,
                                              class_name="vigor-rest-clock"),
                        role="timer", aria_live="off"),
                rx.el.div(rx.el.div(class_name="vigor-rest-fill"), data_rest_bar="", data_rest_total=S.rest_total,
                          role="progressbar", aria_label="Rest left", aria_valuemin=0, aria_valuemax=S.rest_total,
                          class_name="vigor-rest-bar"),
                rx.spacer(),
                rx.button("−15 s", size="1", variant="soft", on_click=S.adjust_rest(-15)),
                rx.button("+15 s", size="1", variant="soft", on_click=S.adjust_rest(15)),
                rx.button("Skip", size="1", variant="soft", color_scheme="gray", on_click=S.skip_rest),
                align="center",
                wrap="wrap",
                width="100%",
            ),
            position="sticky", top="64px", z_index="5", width="100%",
        ),
    )


def _add_exercise() -> rx.Component:
    return compact_card(
        rx.el.label("Add an exercise", html_for="exercise-search", class_name="vigor-label"),
        rx.input(id="exercise-search", value=S.search, placeholder="Search the library, e.g. lunge",
                 on_change=S.set_search.debounce(250), max_length=100, size="2", width="100%"),
        rx.foreach(S.search_results, lambda r: rx.button(
            rx.icon("plus", size=14), "Add " + r["name"], size="1", variant="soft",
            on_click=S.add_exercise(r["id"]))),
    )


def _finish() -> rx.Component:
    return compact_card(
        rx.el.label("Session notes", html_for="session-note", class_name="vigor-label"),
        rx.text_area(id="session-note", default_value=S.session_note, key=S.session_id.to_string(),
                     on_blur=S.save_session_note, max_length=2000, width="100%"),
        rx.hstack(
            rx.el.label("How hard was it overall? (1–10)", html_for="intensity", class_name="vigor-label"),
            rx.el.select(*[rx.el.option(str(v) if v else "—", value=str(v) if v else "") for v in range(0, 11)],
                         id="intensity", value=S.intensity, on_change=S.set_intensity, class_name="vigor-select",
                         style={"width": "80px"}),
            align="center",
            wrap="wrap",
        ),
        rx.cond(S.editing_past, rx.link(rx.button("Done editing", size="3"), href="/history"), rx.hstack(
            rx.button("Finish workout", size="3", on_click=S.finish),
            confirm_dialog(rx.button("Discard", size="3", variant="soft", color_scheme="red"),
                           "Discard this workout?", "Every set you logged in it is deleted.",
                           "Discard workout", S.discard),
            spacing="3",
        )),
        spacing="3",
    )


@app_page("/log", "Log workout", on_load=[S.load],
          nav=NavItem("Log", "notebook-pen", order=30, tab=True))
def log_page() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.session_id > 0,
            rx.vstack(
                rx.heading(rx.cond(S.editing_past, "Edit workout", "Log workout"), size="8", as_="h1"),
                rx.cond(S.editing_past, rx.text("Correcting a finished workout: each change is saved at once.",
                                                color_scheme="gray")),
                rx.hstack(rx.heading(S.session_name, size="5", as_="h2"),
                          rx.badge(S.done_sets.to_string() + " of " + S.total_sets.to_string() + " sets done"),
                          align="center", wrap="wrap"),
                rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red",
                                                  role="alert", width="100%")),
                _rest_timer(),
                rx.foreach(S.cards, _card),
                _calculator(),
                _add_exercise(),
                _finish(),
                spacing="4",
                width="100%",
                max_width="720px",
            ),
            rx.vstack(
                page_header("Log workout", "No workout in progress."),
                rx.text("Start one from a day of your plan on the Workouts page, or log freely."),
                rx.hstack(
                    rx.link(rx.button("Go to my plan", size="3"), href="/workouts"),
                    rx.button("Start a freestyle workout", size="3", variant="soft", on_click=S.start_freestyle),
                    wrap="wrap",
                ),
                rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert")),
                spacing="4",
            ),
        ),
        width="100%",
    )
