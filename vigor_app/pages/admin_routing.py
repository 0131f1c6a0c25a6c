"""Admin console: AI routing. Layout only; RoutingState checks the role."""

from __future__ import annotations

import reflex as rx

from vigor_app.components.admin_ui import (
    admin_page,
    card,
    error_text,
    form_alert,
    input_field,
    table,
)
from vigor_app.components.layout import stacked_form
from vigor_app.services import vocabulary
from vigor_app.services.ai.routing_rules import FEATURE_LABELS
from vigor_app.state.admin_routing import ORDER_STEPS, RoutingState

S = RoutingState
FEATURE_OPTIONS = list(FEATURE_LABELS.items())
PRECEDENCE_TEXT = ("Which rule answers: a switch, then a running experiment, then the member's tier's order, then "
                   "the feature's own order, then every enabled provider by priority. The built-in coach is always "
                   "last. A switch or an experiment puts its provider first, with the order it overrides behind it.")


def _provider_select(label: str, name: str, *, optional: bool = False) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, class_name="vigor-label"),
        rx.el.select(
            rx.el.option("None" if optional else "Pick a provider", value=""),
            rx.foreach(S.provider_choices, lambda p: rx.el.option(p["name"], value=p["id"])),
            id=name, name=name, class_name="vigor-select", aria_describedby=name + "-error",
        ),
        error_text(S.errors, name, name),
        spacing="1", width="100%", align="stretch",
    )


def _plain_select(label: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, class_name="vigor-label"),
        rx.el.select(*[rx.el.option(text, value=value) for value, text in options], id=name, name=name,
                     class_name="vigor-select", aria_describedby=name + "-error"),
        error_text(S.errors, name, name),
        spacing="1", width="100%", align="stretch",
    )


def _switch_row(f: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(f["label"]),
        rx.table.cell(f["state"]),
        rx.table.cell(rx.cond(f["switched"] == "yes",
                              rx.button("Switch back", size="1", variant="soft",
                                        aria_label="Switch " + f["label"] + " back",
                                        on_click=S.switch_back(f["feature"])),
                              rx.fragment())),
    )


def _switch_card() -> rx.Component:
    return card(
        "Switch now",
        table(["Feature", "Now", ""], S.features, _switch_row, label="Switches"),
        stacked_form(
            rx.grid(
                _plain_select("Feature to switch", "switch_feature", FEATURE_OPTIONS),
                _provider_select("Switch to", "provider_id"),
                input_field("Why (optional)", "reason", S.errors, max_length=200, hint="Shown here and in the audit log."),
                columns=rx.breakpoints(initial="1", md="3"), spacing="3", width="100%",
            ),
            rx.button("Switch now", type="submit", size="2", color_scheme="amber", disabled=~rx.State.is_hydrated),
            key="switch" + S.form_key.to_string(),
            on_submit=S.switch_now,
            aria_label="Switch a feature now",
        ),
        description="Send a feature to another provider at once (for cost or an incident), until you switch it back.",
    )


def _order_row(o: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(o["label"]), rx.table.cell(o["who"]), rx.table.cell(o["order"]),
        rx.table.cell(rx.button("Remove", size="1", variant="soft", color_scheme="red",
                                aria_label="Remove the rule for " + o["label"] + ", " + o["who"],
                                on_click=S.remove_order(o["feature"], o["tier"]))),
    )


def _orders_card() -> rx.Component:
    tiers = [("", "All members"), *[(t, vocabulary.TIER_LABELS[t]) for t in vocabulary.TIERS]]
    return card(
        "Provider order per feature",
        rx.cond(S.orders.length() > 0,
                table(["Feature", "Members", "Order", ""], S.orders, _order_row, label="Routing rules"),
                rx.text("No rule yet: every feature uses the providers' order.", size="2", color_scheme="gray")),
        stacked_form(
            form_alert(S.errors),
            rx.grid(
                _plain_select("Feature", "order_feature", FEATURE_OPTIONS),
                _plain_select("Members", "order_tier", tiers),
                *[_provider_select(f"{step.capitalize()} provider", step, optional=i > 0)
                  for i, step in enumerate(ORDER_STEPS)],
                columns=rx.breakpoints(initial="1", sm="2", md="5"), spacing="3", width="100%",
            ),
            rx.button("Save order", type="submit", size="2", disabled=~rx.State.is_hydrated),
            key="order" + S.form_key.to_string(),
            on_submit=S.save_order,
            aria_label="Set a feature's order",
        ),
        description=PRECEDENCE_TEXT,
    )


ARM_HEADERS = ["Arm", "Members", "Requests", "Valid first time", "Latency p50 / p95", "Cost per request",
               "Answered by the arm", "Member feedback"]


def _arm_row(e: rx.Var[dict], arm: str) -> rx.Component:
    """One arm's figures; each cell names its column, which a phone shows beside it (the rows
    become cards there, as in every console table)."""
    cells = [rx.table.cell(arm.upper() + ": ", e[arm + "_provider"]),
             *[rx.table.cell(e[f"{arm}_{key}"]) for key in ("members", "requests", "validity", "latency", "cost",
                                                              "served", "feedback")]]
    for cell, header in zip(cells, ARM_HEADERS, strict=True):
        cell.custom_attrs["data-label"] = header
    return rx.table.row(*cells)


def _experiment(e: rx.Var[dict]) -> rx.Component:
    headers = ARM_HEADERS
    return rx.el.section(
        rx.card(rx.vstack(
            rx.hstack(rx.heading(e["name"], size="4", as_="h3"),
                      rx.badge(e["status"], color_scheme=rx.cond(e["running"] == "yes", "green", "gray")),
                      rx.text(e["feature"], " · ", e["split"], size="2", color_scheme="gray"),
                      wrap="wrap", align="center", spacing="2"),
            rx.box(rx.table.root(
                rx.el.caption("Arms of " + e["name"], class_name="sr-only"),
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(_arm_row(e, "a"), _arm_row(e, "b")),
                # Its cells wrap, so it fits the card (Radix's own scroll area would not take
                # keyboard focus); a phone shows each arm as a card.
                size="1", width="100%", class_name="vigor-cards"),
                overflow_x="auto", width="100%", tab_index=0, role="region",
                aria_label="Comparison of " + e["name"], style={"contain": "inline-size"}),
            rx.flex(
                rx.cond(e["running"] == "yes",
                        rx.button("Stop", size="1", variant="soft", aria_label="Stop " + e["name"],
                                  on_click=S.stop_experiment(e["id"])), rx.fragment()),
                rx.cond(e["promotable"] == "yes", rx.fragment(
                    rx.button("Promote A", size="1", variant="soft", color_scheme="green",
                              aria_label="Promote arm A of " + e["name"], on_click=S.promote(e["id"], "a")),
                    rx.button("Promote B", size="1", variant="soft", color_scheme="green",
                              aria_label="Promote arm B of " + e["name"], on_click=S.promote(e["id"], "b"))),
                    rx.fragment()),
                gap="6px", wrap="wrap"),
            spacing="3", width="100%")),
        aria_label=e["name"], width="100%")


def _experiments_card() -> rx.Component:
    return card(
        "Experiments",
        rx.foreach(S.experiments, _experiment),
        stacked_form(
            rx.grid(
                input_field("Experiment name", "name", S.errors, max_length=80),
                _plain_select("Feature tested", "experiment_feature", FEATURE_OPTIONS),
                _provider_select("Arm A", "provider_a"),
                _provider_select("Arm B", "provider_b"),
                input_field("Members in arm A (%)", "split_a", S.errors, default_value="50", input_mode="numeric",
                            max_length=3),
                columns=rx.breakpoints(initial="1", sm="2", md="5"), spacing="3", width="100%",
            ),
            rx.button("Start experiment", type="submit", size="2", disabled=~rx.State.is_hydrated),
            key="experiment" + S.form_key.to_string(),
            on_submit=S.start_experiment,
            aria_label="Start an experiment",
        ),
        description="Test two providers on one feature. Each member always gets the same arm; the figures "
                    "count what happened, with the numbers behind each. Promoting a winner stops the test and "
                    "puts its provider first in the feature's order.",
    )


@admin_page("/admin/routing", "Routing · Admin", "AI routing",
            "Which provider answers each AI feature: orders per feature and tier, switches and experiments.",
            on_load=[S.load])
def admin_routing() -> rx.Component:
    return rx.vstack(_switch_card(), _orders_card(), _experiments_card(), spacing="4", width="100%")
