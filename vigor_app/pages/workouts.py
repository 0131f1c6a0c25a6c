"""Workouts: generate a plan and see its block week by week, day by day; swap, rename, regenerate, delete."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.feedback import reason_form, thumbs
from vigor_app.components.forms import select_field
from vigor_app.components.layout import compact_card, confirm_dialog, section_card
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.state.workouts import (
    FOCUS_OPTIONS,
    INTENSITY_OPTIONS,
    REASON_LIMIT,
    DayView,
    ItemView,
)
from vigor_app.state.workouts import WorkoutsState as S


def _new_plan_card() -> rx.Component:
    return section_card(
        "New plan",
        rx.flex(
            select_field("Days this week", "req_days",
                         [("", "As in my profile")] + [(str(n), f"{n} days") for n in range(2, 7)],
                         value=S.req_days, on_change=lambda v: S.set_request("req_days", v)),
            rx.vstack(
                rx.el.label("Minutes per session", html_for="req_minutes", class_name="vigor-label"),
                rx.input(id="req_minutes", type="number", min=15, max=120, step=5, value=S.req_minutes,
                         placeholder="As in my profile", on_change=lambda v: S.set_request("req_minutes", v),
                         size="3", width="170px"),
                spacing="1",
            ),
            select_field("Intensity", "req_intensity", INTENSITY_OPTIONS, value=S.req_intensity,
                         on_change=lambda v: S.set_request("req_intensity", v)),
            select_field("Focus", "req_focus", FOCUS_OPTIONS, value=S.req_focus,
                         on_change=lambda v: S.set_request("req_focus", v)),
            spacing="4",
            wrap="wrap",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        rx.button(
            rx.cond(S.generating, rx.hstack(rx.spinner(size="2"), rx.text("Building your plan…")),
                    rx.text("Generate plan")),
            size="3", on_click=S.generate, disabled=S.generating,
        ),
        intro="Built from your profile. Change a setting here for this plan only.",
        spacing="4",
    )


def _item(day: DayView, item: ItemView) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.text(item.name, weight="bold", size="3"),
                rx.text(item.prescription, size="2"),
                spacing="0",
            ),
            rx.spacer(),
            rx.button(rx.icon("repeat", size=14), "Swap", size="1", variant="soft",
                      aria_label="Swap " + item.name, on_click=S.open_swap(day.index, item.index)),
            align="start",
            width="100%",
        ),
        rx.cond(item.note != "", rx.text(item.note, size="2", weight="medium")),
        rx.cond(item.warmup != "", rx.text(item.warmup, size="2")),
        rx.text(item.reason, size="2", color_scheme="gray"),
        rx.cond(item.cue != "", rx.text(rx.text.strong("How: "), item.cue, size="2")),
        rx.cond(item.variations != "", rx.text(item.variations, size="1", color_scheme="gray")),
        padding_y="10px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def _day(day: DayView) -> rx.Component:
    return compact_card(
        rx.hstack(
            rx.heading(day.name, size="4", as_="h3"),
            rx.spacer(),
            rx.cond(day.weekday != "", rx.badge(day.weekday)),
            rx.badge(day.minutes, color_scheme="gray"),
            rx.button(rx.icon("play", size=14), "Start", size="2", aria_label="Start " + day.name,
                      on_click=S.start_day(day.index)),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(day.warmup != "", rx.text(rx.text.strong("Warm-up: "), day.warmup, size="2")),
        rx.foreach(day.exercises, lambda item: _item(day, item)),
        rx.cond(day.cooldown != "", rx.text(rx.text.strong("Cool-down: "), day.cooldown, size="2")),
    )


def _plan_actions() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(S.plan_name, size="6", as_="h2"),
            rx.cond(S.plan_active, rx.badge("Active", color_scheme="green"), rx.fragment()),
            rx.badge(S.plan_engine, color_scheme="gray"),
            align="center",
            wrap="wrap",
        ),
        rx.cond(S.rest_days != "", rx.text("Rest days: ", S.rest_days, size="2", color_scheme="gray")),
        thumbs(S.plan_vote, S.rate_plan("up"), S.rate_plan("down")),
        rx.cond(S.reason_open, reason_form("plan-feedback-reason", S.reason_error, S.save_plan_reason,
                                           S.close_plan_reason, limit=REASON_LIMIT)),
        rx.foreach(S.plan_notes, lambda note: rx.callout(note, icon="info", size="1", width="100%")),
        rx.flex(
            rx.cond(~S.plan_active, rx.button("Make active", size="2", on_click=S.activate)),
            rx.button(rx.icon("refresh-cw", size=14), "Regenerate", size="2", variant="soft",
                      on_click=S.regenerate),
            rx.form(
                rx.hstack(
                    rx.el.label("Plan name", html_for="plan_name", class_name="vigor-label"),
                    rx.input(id="plan_name", name="plan_name", default_value=S.plan_name, key=S.selected_id,
                             max_length=80, size="2"),
                    rx.button("Rename", type="submit", size="2", variant="soft"),
                    align="center",
                ),
                on_submit=S.rename,
                reset_on_submit=False,
                width="auto",
            ),
            confirm_dialog(rx.button("Delete", size="2", variant="soft", color_scheme="red"),
                           "Delete this plan?", "The plan is removed for good. Logged workouts stay.",
                           "Delete plan", S.delete),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        spacing="2",
        width="100%",
    )


def _week_picker() -> rx.Component:
    return rx.cond(
        S.week_options.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.el.label("Week of the block", html_for="week_picker", class_name="vigor-label"),
                rx.el.select(rx.foreach(S.week_options, lambda w: rx.el.option(w["label"], value=w["value"])),
                             id="week_picker", value=S.week, on_change=S.show_week, class_name="vigor-select"),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.text(S.week_summary, size="2", color_scheme="gray"),
            spacing="1",
            width="100%",
        ),
    )


def _swap_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Swap ", S.swap_for),
            rx.dialog.description("Each choice trains the same movement with your equipment, and is safe "
                                  "for your injuries.", size="2"),
            rx.vstack(
                rx.cond(S.swap_choices.length() == 0,
                        rx.text("No other exercise fits here without breaking your plan's rules.")),
                rx.foreach(S.swap_choices, lambda choice: rx.button(
                    rx.vstack(rx.text("Use " + choice["name"], weight="bold"),
                              rx.text(choice["cue"], size="1", color_scheme="gray", text_align="left"),
                              spacing="0", align="start"),
                    variant="soft", width="100%", height="auto", padding="8px",
                    on_click=S.choose_swap(choice["id"]),
                )),
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                spacing="2",
                margin_top="12px",
            ),
        ),
        open=S.swap_open,
        on_open_change=S.close_swap,
    )


@app_page("/workouts", "Workouts", on_load=[S.load],
          nav=NavItem("Workouts", "dumbbell", order=20))
def workouts_page() -> rx.Component:
    return rx.vstack(
        page_header("Workouts", "Your weekly plan, built for your level, goals, equipment and schedule."),
        rx.cond(~S.onboarded, rx.callout(
            rx.text("Tell Vigor about yourself first so the plan fits you: ",
                    rx.link("set up your profile", href="/onboarding"), "."),
            icon="info", width="100%")),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert",
                                          width="100%")),
        rx.cond(S.notice != "", rx.callout(
            rx.text(S.notice, rx.cond(S.notice_about_limits,
                                      rx.fragment(" ", rx.link("Your membership", href="/membership"), "."))),
            icon="info", color_scheme="amber", role="status", width="100%")),
        rx.cond(S.in_progress != "", rx.callout(
            rx.text("Workout in progress: ", rx.text.strong(S.in_progress), ". ",
                    rx.link("Resume it", href="/log"), "."),
            icon="timer", color_scheme="orange", width="100%")),
        _new_plan_card(),
        rx.cond(
            S.plans.length() > 0,
            rx.vstack(
                rx.cond(S.plans.length() > 1, rx.vstack(
                    rx.el.label("Your plans", html_for="plan_picker", class_name="vigor-label"),
                    rx.el.select(rx.foreach(S.plans, lambda p: rx.el.option(p["name"], value=p["id"])),
                                 id="plan_picker", value=S.selected_id, on_change=S.select_plan,
                                 class_name="vigor-select"),
                    spacing="1",
                )),
                _plan_actions(),
                _week_picker(),
                rx.grid(rx.foreach(S.days, _day), columns=rx.breakpoints(initial="1", lg="2"), spacing="4",
                        width="100%"),
                spacing="4",
                width="100%",
            ),
            rx.text("No plan yet. Generate your first one above.", color_scheme="gray"),
        ),
        _swap_dialog(),
        spacing="4",
        width="100%",
    )
