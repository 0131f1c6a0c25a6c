"""The Profile page's "Notifications on this device" card: on or off for this browser, said
plainly when the browser cannot or the person blocked them, and the member's other devices."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.layout import listed_item, section_card
from vigor_app.state.notifications import BLOCKED, CHECKING, FAILED, OFF, ON, UNSUPPORTED
from vigor_app.state.notifications import NotificationsState as S

WHAT = ("Your coach's daily message, and the end of a rest when Vigor is in the background "
        "(not while you are looking at it).")
SAID = {
    CHECKING: "Checking what this browser can do…",
    UNSUPPORTED: "This browser can't show Vigor's notifications. On an iPhone or iPad, add Vigor to the "
                 "Home Screen (Share, then Add to Home Screen) and turn them on from there.",
    BLOCKED: "You blocked notifications for Vigor in this browser. To get them, allow notifications for "
             "this site in the browser's site settings, then come back here.",
    OFF: "Off on this device.",
    ON: "On: this device gets your notifications.",
    FAILED: "This browser could not turn notifications on. Browsers need their push service for them, "
            "which some cannot reach (offline, a private window, a browser without one): try again later.",
}
COLOUR = {CHECKING: "gray", UNSUPPORTED: "amber", BLOCKED: "amber", OFF: "gray", ON: "green", FAILED: "red"}


def _said() -> rx.Component:
    return rx.callout.root(
        rx.callout.text(rx.match(S.device, *[(state, words) for state, words in SAID.items()], SAID[CHECKING])),
        rx.cond(S.problem != "", rx.callout.text("The browser said: ", S.problem, size="1")),
        color_scheme=rx.match(S.device, *COLOUR.items(), "gray"),
        role="status",
        id="push-status",
        width="100%",
    )


def _device(row) -> rx.Component:
    return listed_item(
        row["device"],
        rx.text(row["since"], " · ", row["used"], size="1", color_scheme="gray"),
        action=rx.button("Stop", size="2", variant="soft", color_scheme="red", on_click=S.remove_device(row["id"]),
                         aria_label="Stop notifications on " + row["device"]),
    )


def notifications_card() -> rx.Component:
    return section_card(
        "Notifications on this device",
        _said(),
        rx.match(
            S.device,
            (ON, rx.button(rx.icon("bell-off", size=14), "Turn off on this device", size="3", variant="outline",
                           on_click=S.turn_off)),
            (OFF, FAILED, rx.button(rx.icon("bell", size=14), "Turn on notifications", size="3",
                                    on_click=S.turn_on)),
            rx.fragment(),
        ),
        rx.cond(
            S.devices.length() > 0,
            rx.vstack(rx.text("Your devices with notifications on", class_name="vigor-label"),
                      rx.foreach(S.devices, _device), spacing="2", width="100%"),
        ),
        intro=WHAT,
    )
