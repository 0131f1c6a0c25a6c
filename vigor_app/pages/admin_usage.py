"""Admin console: usage analytics, the audit log and the system. Layout only."""

from __future__ import annotations

import reflex as rx

from vigor_app.components import charts
from vigor_app.components.admin_ui import admin_page, card, empty, stat_grid, table
from vigor_app.services.admin.analytics import PERIODS
from vigor_app.state.admin_usage import AuditState, SystemState, UsageState

U = UsageState
A = AuditState
Y = SystemState


def _axes(x: str = "day") -> list[rx.Component]:
    return [charts.cartesian_grid(stroke_dasharray="3 3", opacity=0.4), charts.x_axis(data_key=x),
            charts.y_axis(), charts.graphing_tooltip(), charts.legend()]


def _stacked(data: rx.Var, series: rx.Var, stack: str) -> rx.Component:
    return charts.bar_chart(
        rx.foreach(series, lambda s: charts.bar(is_animation_active=False, data_key=s["key"], name=s["name"],
                                                     fill=s["color"],
                                                     stack_id=stack)),
        *_axes(),
        data=data, width="100%", height=240,
    )


def _chart(title: str, description: str, chart: rx.Component) -> rx.Component:
    return card(title, rx.box(chart, width="100%", min_height="240px"), description=description)


def _provider_row(r: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(r["name"]), rx.table.cell(r["calls"]), rx.table.cell(r["failures"]),
        rx.table.cell(r["input"]), rx.table.cell(r["output"]), rx.table.cell(r["cost"]),
        rx.table.cell(r["over"]),
    )


def _feature_row(r: rx.Var[dict]) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(r["feature"]), rx.table.cell(r["requests"]),
                        rx.table.cell(r["cost"]))


def _reason_row(r: rx.Var[dict]) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(r["reason"]), rx.table.cell(r["count"]), rx.table.cell(r["share"]))


def _user_row(r: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.vstack(rx.text(r["username"], weight="medium"),
                                           rx.text(r["email"], size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(r["requests"]), rx.table.cell(r["cost"]),
    )


def _feedback_row(r: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(r["provider"]), rx.table.cell(r["model"]), rx.table.cell(r["arm"]),
        rx.table.cell(r["up"]),
        rx.table.cell(r["down"]), rx.table.cell(r["votes"]), rx.table.cell(r["share"]),
    )


def _feedback_reason_row(r: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r["when"], size="2", white_space="nowrap")), rx.table.cell(r["about"]),
        rx.table.cell(r["provider"]), rx.table.cell(r["vote"]),
        rx.table.cell(rx.text(r["reason"], size="2", white_space="pre-wrap", overflow_wrap="anywhere",
                              max_width="360px")),
    )


def _member_feedback() -> rx.Component:
    return card(
        "Member feedback",
        table(["Provider", "Model", "Experiment arm", "Helped", "Did not help", "Votes", "Share helped"],
              U.feedback_rows, _feedback_row, label="Member feedback by provider, model and arm", min_width="620px"),
        empty(U.feedback_rows, "No member rated a reply, an analysis, a daily note or a plan in this period."),
        rx.cond(U.feedback_reasons.length() > 0, rx.vstack(
            rx.heading("Latest reasons", size="3", as_="h3", margin_top="12px"),
            table(["When", "About", "Written by", "Vote", "Reason"], U.feedback_reasons, _feedback_reason_row,
                  label="Latest reasons members gave", min_width="640px"),
            spacing="2", width="100%")),
        description="Thumbs up and down members gave in this period, counted against whoever answered "
                    "each request: a provider and its model, the cache, or the built-in coach.",
    )


def _period_picker() -> rx.Component:
    return rx.hstack(
        rx.el.label("Period", html_for="usage-days", class_name="vigor-label"),
        rx.el.select(*[rx.el.option(f"Last {d} days", value=str(d)) for d in PERIODS], id="usage-days",
                     value=U.days, on_change=U.set_days, class_name="vigor-select"),
        rx.text(U.period, size="2", color_scheme="gray"),
        align="center",
        spacing="3",
        wrap="wrap",
    )


@admin_page("/admin/usage", "Usage · Admin", "AI usage",
            "Requests, tokens and cost per day by provider; cost per feature; cache and fallback rates; "
            "member feedback; top users.",
            on_load=[U.load])
def admin_usage() -> rx.Component:
    return rx.vstack(
        _period_picker(),
        stat_grid(U.totals),
        _chart("Calls per day", "Calls to each provider (failures included); the built-in coach counts "
               "the answers it gave.", _stacked(U.calls_chart, U.series, "calls")),
        rx.grid(
            _chart("Tokens per day", "Input and output tokens, by provider.",
                   _stacked(U.tokens_chart, U.provider_series, "tokens")),
            _chart("Cost per day ($)", "Exact cost of the calls, by provider.",
                   _stacked(U.cost_chart, U.provider_series, "cost")),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        card("By provider",
             table(["Provider", "Calls", "Failed", "Input tokens", "Output tokens", "Cost",
                    "Reported beyond charged"], U.provider_rows,
                   _provider_row, label="Usage by provider", min_width="680px"),
             empty(U.provider_rows, "No provider was called in this period.")),
        rx.grid(
            card("Cost per feature",
                 charts.bar_chart(charts.bar(is_animation_active=False, data_key="cost", name="Cost ($)",
                                                       fill="#e8590c"),
                                       *_axes("feature"), data=U.feature_chart, width="100%", height=200),
                 table(["Feature", "Requests", "Cost"], U.feature_rows, _feature_row, label="Cost per feature")),
            card("When the built-in coach answered",
                 table(["Why", "Answers", "Share"], U.reason_rows, _reason_row, label="Fallback reasons"),
                 empty(U.reason_rows, "Every request in this period was answered by a provider or the cache."),
                 description="The fallback rate above, by reason."),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        _member_feedback(),
        card("Top users by cost",
             table(["Person", "Requests", "Cost"], U.top_users, _user_row, label="Top users by cost"),
             empty(U.top_users, "Nobody used the AI in this period.")),
        spacing="4",
        width="100%",
    )


# --- audit log ---------------------------------------------------------------------------------


def _audit_row(e: rx.Var[dict]) -> rx.Component:
    value = {"size": "1", "white_space": "pre-wrap", "overflow_wrap": "anywhere", "max_width": "280px"}
    return rx.table.row(
        rx.table.cell(rx.text(e["when"], size="2", white_space="nowrap")),
        rx.table.cell(e["actor"]),
        rx.table.cell(rx.text(e["action"], size="2")),
        rx.table.cell(rx.text(e["target"], size="2", white_space="nowrap")),
        rx.table.cell(rx.text(e["before"], **value)),
        rx.table.cell(rx.text(e["after"], **value)),
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.el.label("Action", html_for="audit-action", class_name="vigor-label"),
            rx.el.select(rx.el.option("Every action", value=""),
                         rx.foreach(A.action_choices, lambda a: rx.el.option(a["name"], value=a["id"])),
                         id="audit-action", value=A.action, on_change=A.set_action, class_name="vigor-select"),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label("Who", html_for="audit-actor", class_name="vigor-label"),
            rx.el.select(rx.el.option("Anyone", value=""),
                         rx.foreach(A.actors, lambda a: rx.el.option(a["name"], value=a["id"])),
                         id="audit-actor", value=A.by, on_change=A.set_by, class_name="vigor-select"),
            spacing="1",
        ),
        gap="16px",
        wrap="wrap",
    )


@admin_page("/admin/audit", "Audit log · Admin", "Audit log",
            "Every admin action: who, when, what, and the values before and after. Entries can never be edited.",
            on_load=[A.load])
def admin_audit() -> rx.Component:
    return card(
        "Entries",
        _filters(),
        table(["When", "Who", "Action", "Target", "Before", "After"], A.rows, _audit_row, label="Audit log",
              min_width="860px"),
        empty(A.rows, "No entries match."),
        description="The latest 200 entries that match, newest first. A change shows only the values it changed.",
    )


# --- system ------------------------------------------------------------------------------------


def _check(c: rx.Var[dict]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(c["label"], size="2", color_scheme="gray"),
            # Two named icons, not one icon named by a Var: a named icon is in the page's script,
            # a Var-named one loads every icon's script at run time.
            rx.hstack(rx.cond(c["ok"] == "yes", rx.icon("circle-check", size=18, color="var(--green-9)"),
                              rx.icon("circle-x", size=18, color="var(--red-9)")),
                      rx.text(c["value"], size="4", weight="bold"), align="center", spacing="2"),
            rx.text(c["note"], size="1", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )


def _provider_health(p: rx.Var[dict]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(p["name"]),
        rx.table.cell(p["enabled"]),
        rx.table.cell(rx.badge(p["state"], color_scheme=rx.cond(p["ok"] == "yes", "green", "red"))),
        rx.table.cell(p["failures"]),
        rx.table.cell(p["last_error"]),
        rx.table.cell(p["retry_at"]),
    )


def _scheduler() -> rx.Component:
    return card(
        "Scheduler",
        rx.hstack(rx.cond(Y.scheduler_running, rx.icon("circle-check", size=18), rx.icon("circle-pause", size=18)),
                  rx.text(rx.cond(Y.scheduler_running, "running", "not running"), weight="bold"),
                  align="center", spacing="2"),
        rx.foreach(Y.scheduler, lambda d: rx.text(rx.text.strong(d["key"], ": "), d["value"], size="2",
                                                  overflow_wrap="anywhere")),
        description="Daily coach messages and the AI gateway's housekeeping.",
    )


@admin_page("/admin/system", "System · Admin", "System",
            "The health of the database, the scheduler and each provider; what /health reports.",
            on_load=[Y.load])
def admin_system() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.badge(rx.cond(Y.healthy, "healthy", "unhealthy"),
                           color_scheme=rx.cond(Y.healthy, "green", "red"), size="3"),
                  rx.text("Checked ", Y.checked_at, size="2", color_scheme="gray"),
                  rx.button(rx.icon("refresh-cw", size=14), "Check again", size="1", variant="soft", on_click=Y.load),
                  align="center", spacing="3", wrap="wrap"),
        rx.grid(rx.foreach(Y.checks, _check), columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
        _scheduler(),
        card("Providers",
             table(["Provider", "Enabled", "Circuit", "Failures in a row", "Last error", "Next try"],
                   Y.provider_health, _provider_health, label="Provider health", min_width="640px"),
             empty(Y.provider_health, "No providers: the built-in coach answers everything."),
             description="The built-in coach needs no network and is always available."),
        card("/health", rx.code_block(Y.health_json, language="json", width="100%"),
             description="The same report the /health endpoint gives (for load balancers and monitors)."),
        spacing="4",
        width="100%",
    )
