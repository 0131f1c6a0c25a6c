"""Membership: what your tier gives, how much of it you have used, and asking for more."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.layout import section_card, stacked_form
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.state.membership import MembershipState as S


def _meter(meter: rx.Var[dict]) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(meter["label"], weight="medium"), rx.spacer(),
                  rx.text(meter["used"], " of ", meter["limit"], " AI requests", size="2"), width="100%"),
        rx.progress(value=meter["percent"].to(int), max=100, width="100%", aria_label=meter["aria"].to(str)),
        rx.text("Resets ", meter["resets"], size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def _offer(offer: rx.Var[dict]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(offer["label"], size="4", as_="h3"),
                      rx.cond(offer["current"] == "yes", rx.badge("Your tier", color_scheme="green")),
                      align="center"),
            rx.text(offer["price"], weight="bold"),
            rx.text(offer["daily"], " a day · ", offer["weekly"], " a week · ", offer["monthly"], " a month",
                    size="2"),
            rx.text("AI budget ", offer["budget"], " a month", size="2"),
            rx.text(offer["unlocks"], size="2", color_scheme="gray"),
            spacing="1",
        ),
        size="2",
        width="100%",
    )


def _upgrade() -> rx.Component:
    return section_card(
        "Ask for a higher tier",
        rx.foreach(S.requests, lambda r: rx.text(
            r["when"], ": ", r["to"], " — ", rx.badge(r["status"]),
            rx.cond(r["reason"] != "", rx.text.em(" ", r["reason"])), size="2")),
        rx.cond(
            S.higher_tiers.length() == 0,
            rx.text("You are on the highest tier.", size="2", color_scheme="gray"),
            stacked_form(
                rx.el.label("Tier", html_for="to_tier", class_name="vigor-label"),
                rx.el.select(rx.foreach(S.higher_tiers, lambda t: rx.el.option(t["label"], value=t["tier"])),
                             id="to_tier", name="to_tier", class_name="vigor-select"),
                rx.el.label("Note for the team (optional)", html_for="upgrade-note", class_name="vigor-label"),
                rx.text_area(id="upgrade-note", name="note", max_length=500, width="100%"),
                rx.cond(S.request_error != "", rx.text(S.request_error, color_scheme="red", size="2",
                                                       role="alert")),
                rx.button("Request upgrade", type="submit"),
                on_submit=S.request_upgrade,
                spacing="2",
            ),
        ),
    )


@app_page("/membership", "Membership", on_load=[S.load],
          nav=NavItem("Membership", "crown", order=90))
def membership_page() -> rx.Component:
    return rx.vstack(
        page_header("Membership", "What your tier gives you, and how much of it you have used."),
        rx.card(
            rx.vstack(
                rx.hstack(rx.heading("Your tier: ", S.tier_label, size="5", as_="h2"), align="center"),
                rx.cond(S.override != "", rx.text("Extra allowance granted: ", S.override, size="2")),
                rx.foreach(S.meters, _meter),
                rx.vstack(
                    rx.hstack(rx.text("AI spend this month", weight="medium"), rx.spacer(),
                              rx.text(S.spend, " of ", S.budget, size="2"), width="100%"),
                    rx.progress(value=S.spend_percent, max=100, width="100%", aria_label="AI spend this month"),
                    spacing="1", width="100%",
                ),
                rx.text("When a limit is reached, the built-in coach and plan engine keep answering, "
                        "without AI, until the limit resets.", size="2", color_scheme="gray"),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        rx.heading("The tiers", size="5", as_="h2"),
        rx.grid(rx.foreach(S.offers, _offer), columns=rx.breakpoints(initial="1", md="3"), spacing="3",
                width="100%"),
        _upgrade(),
        section_card(
            "Who answered lately",
            rx.cond(S.recent.length() == 0, rx.text("No AI requests yet.", size="2", color_scheme="gray")),
            rx.foreach(S.recent, lambda r: rx.text(
                r["when"], " · ", r["feature"], " · ", rx.text.strong(r["engine"]),
                rx.cond(r["why"] != "", rx.text.span(" (", r["why"], ")")), size="2")),
            spacing="2",
        ),
        spacing="4",
        width="100%",
    )
