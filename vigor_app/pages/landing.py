"""The landing page for visitors: what Vigor does, and the way in."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.forms import color_mode_button
from vigor_app.components.shell import logo
from vigor_app.state.auth import AuthState

FEATURES = [
    ("calendar-check", "A plan that fits you",
     "Tell Vigor your level, goals, equipment, injuries and schedule; get a weekly plan built for them."),
    ("notebook-pen", "Log a set in one tap",
     "Last time's numbers are already filled in. Every set is saved the moment you finish it."),
    ("flame", "Streaks, records, progress",
     "Watch streaks, personal records and charts grow as you train."),
    ("message-circle", "A coach that knows your data",
     "Ask about today's session, your progress or an exercise; answers come from your own log."),
]


def _feature(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=28, color=rx.color("accent", 9)),
            rx.heading(title, size="4", as_="h2"),
            rx.text(text, color_scheme="gray", size="2"),
            spacing="2",
        ),
        size="3",
    )


def _calls_to_action() -> rx.Component:
    return rx.cond(
        AuthState.signed_in,
        rx.link(rx.button("Open your dashboard", size="4"), href="/dashboard"),
        rx.hstack(
            rx.link(rx.button("Get started — it's free", size="4"), href="/register"),
            rx.link(rx.button("Sign in", size="4", variant="outline"), href="/signin"),
            spacing="3",
            wrap="wrap",
            justify="center",
        ),
    )


@rx.page(route="/", title="Vigor · your AI fitness companion", on_load=AuthState.check_visitor)
def landing_page() -> rx.Component:
    return rx.box(
        rx.el.header(
            rx.hstack(
                logo(),
                rx.spacer(),
                color_mode_button(),
                rx.cond(~AuthState.signed_in, rx.link("Sign in", href="/signin", weight="medium")),
                padding="16px 24px",
                align="center",
                spacing="4",
                max_width="1100px",
                margin="0 auto",
            ),
        ),
        rx.el.main(
            rx.vstack(
                rx.heading("Train smarter, every single day.", size="9", as_="h1", text_align="center"),
                rx.text(
                    "Vigor is your fitness companion: a personal weekly plan, effortless workout "
                    "logging, streaks and records, and an AI coach that has read your training log.",
                    size="5", color_scheme="gray", text_align="center", max_width="680px",
                ),
                _calls_to_action(),
                rx.grid(*[_feature(*f) for f in FEATURES], columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                        spacing="4", width="100%", margin_top="40px"),
                spacing="6",
                align="center",
                padding="56px 24px",
                max_width="1100px",
                margin="0 auto",
            ),
        ),
        min_height="100vh",
    )
