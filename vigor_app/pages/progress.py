"""Progress: interactive charts of strength (distance and pace for cardio), volume, consistency and
body metrics; records."""

from __future__ import annotations

import reflex as rx

from vigor_app.components import charts
from vigor_app.components.shell import NavItem, app_page, page_header
from vigor_app.services.vocabulary import MAJOR_GROUPS
from vigor_app.services.vocabulary_labels import label
from vigor_app.state.progress import ProgressState as S

PALETTE = ["#f76b15", "#3e63dd", "#30a46c", "#e5484d", "#8e4ec6", "#12a594", "#ffc53d", "#6e6e6e"]


def _chart_card(title: str, subtitle, chart: rx.Component, empty: rx.Var[bool], empty_text: str,
                *extra: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            subtitle,
            *extra,
            rx.cond(empty, rx.text(empty_text, color_scheme="gray", size="2"), chart),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _axes() -> list[rx.Component]:
    return [charts.cartesian_grid(stroke_dasharray="3 3", opacity=0.4), charts.x_axis(data_key="x"),
            charts.y_axis(), charts.graphing_tooltip(), charts.legend()]


def _picker() -> rx.Component:
    return rx.vstack(
        rx.el.label("Exercise", html_for="progress-exercise", class_name="vigor-label"),
        rx.el.select(rx.foreach(S.exercise_options, lambda o: rx.el.option(o["name"], value=o["id"])),
                     id="progress-exercise", value=S.exercise, on_change=S.choose_exercise,
                     class_name="vigor-select"),
        rx.cond(S.exercise != "", rx.link("Every workout of this exercise", href="/history/exercise?id=" + S.exercise, size="2")),
        spacing="1",
    )


def _strength() -> rx.Component:
    chart = charts.line_chart(
        charts.line(is_animation_active=False, data_key="e1rm", name="Estimated 1-rep max", stroke=PALETTE[0],
                         stroke_width=2),
        charts.line(is_animation_active=False, data_key="top", name="Top set", stroke=PALETTE[1],
                         stroke_width=2),
        *_axes(),
        data=S.strength, width="100%", height=260,
    )
    return _chart_card("Strength", rx.text("Estimated one-rep max (Epley: weight × (1 + reps ÷ 30)) and your "
                                           "heaviest set, per workout, in ", S.units, ".", size="2",
                                           color_scheme="gray"),
                       chart, S.strength.length() == 0, "Log a few workouts to see your strength grow.", _picker())


# Recharts formatters (JavaScript): a pace in minutes (4.87) as a clock reads it (4:52); a
# tooltip shows the point's own text ("4:52 /km", "5.2 km") rather than the plotted number.
PACE_TICK = ("(v) => { const s = Math.round(v * 60); "
             "return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0'); }")


def _tooltip_text(key: str) -> rx.Component:
    formatter = rx.vars.FunctionStringVar.create(
        f"((value, name, item) => (item && item.payload && item.payload.{key}) || value)")
    return charts.graphing_tooltip(custom_attrs={"formatter": formatter})


def _cardio_chart(chart, data_key: str, name: str, color: str, tooltip_key: str, **y_axis) -> rx.Component:
    return chart(
        charts.cartesian_grid(stroke_dasharray="3 3", opacity=0.4),
        charts.x_axis(data_key="x"),
        charts.y_axis(**y_axis),
        _tooltip_text(tooltip_key),
        charts.legend(),
        (charts.bar(is_animation_active=False, data_key=data_key, name=name, fill=color)
         if chart is charts.bar_chart else
         charts.line(is_animation_active=False, data_key=data_key, name=name, stroke=color, stroke_width=2,
                          connect_nulls=True)),
        data=S.cardio_points, width="100%", height=220,
    )


def _cardio() -> rx.Component:
    bests = rx.flex(
        rx.foreach(S.cardio_bests, lambda line: rx.badge(rx.icon("trophy", size=14), line, size="2",
                                                          variant="soft")),
        spacing="2", wrap="wrap",
    )
    cardio_charts = rx.vstack(
        rx.heading("Distance per workout (", S.distance_unit, ")", size="3", as_="h3"),
        _cardio_chart(charts.bar_chart, "distance", "Distance", PALETTE[2], "distance_text"),
        rx.heading("Average pace (minutes per ", S.distance_unit, "; lower is faster)", size="3", as_="h3"),
        _cardio_chart(charts.line_chart, "pace", "Pace", PALETTE[0], "pace_text",
                      tick_formatter=PACE_TICK, ticks=S.pace_ticks.to(list), domain=S.pace_domain, interval=0,
                      width=48),
        spacing="2", width="100%",
    )
    return _chart_card("Cardio", rx.text("Distance and pace per workout, in ", S.distance_unit, ". ",
                                         S.cardio_totals, ".", size="2", color_scheme="gray"),
                       cardio_charts, S.cardio_points.length() == 0, "Log a run or a row to see it here.",
                       _picker(), bests)


def _volume() -> rx.Component:
    chart = charts.bar_chart(
        *[charts.bar(is_animation_active=False, data_key=g, name=label(g), stack_id="sets",
                          fill=PALETTE[i % len(PALETTE)])
          for i, g in enumerate(MAJOR_GROUPS)],
        *_axes(),
        data=S.volume, width="100%", height=260,
    )
    return _chart_card("Weekly volume", rx.text("Hard sets per muscle group, per week.", size="2",
                                                color_scheme="gray"),
                       chart, S.volume.length() == 0, "No sets logged in the last weeks.")


def _sessions() -> rx.Component:
    chart = charts.composed_chart(
        charts.bar(is_animation_active=False, data_key="sessions", name="Workouts", fill=PALETTE[2]),
        charts.line(is_animation_active=False, data_key="target", name="Target", stroke=PALETTE[3],
                         stroke_dasharray="5 5", dot=False),
        *_axes(),
        data=S.sessions, width="100%", height=220,
    )
    return _chart_card("Workouts per week", rx.text("Against your target of ", S.week_target.to_string(),
                                                    " a week.", size="2", color_scheme="gray"),
                       chart, S.sessions.length() == 0, "Nothing logged yet.")


def _metric_input(label_text: str, name: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label_text, html_for="metric-" + name, class_name="vigor-label"),
        rx.input(id="metric-" + name, name=name, input_mode="decimal", size="2", width="110px"),
        rx.cond(S.metric_errors.contains(name),
                rx.text(S.metric_errors[name], color_scheme="red", size="1", role="alert")),
        spacing="1",
    )


def _body() -> rx.Component:
    form = rx.form(
        rx.flex(
            rx.vstack(
                rx.el.label("Date", html_for="metric-date", class_name="vigor-label"),
                rx.input(id="metric-date", name="measured_on", type="date", default_value=S.metric_date,
                         key=S.metric_date, size="2"),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label("Body weight (", S.units, ")", html_for="metric-weight", class_name="vigor-label"),
                rx.input(id="metric-weight", name="weight", input_mode="decimal", size="2", width="110px"),
                rx.cond(S.metric_errors.contains("weight_kg"),
                        rx.text(S.metric_errors["weight_kg"], color_scheme="red", size="1", role="alert")),
                spacing="1",
            ),
            _metric_input("Body fat (%)", "body_fat_pct"),
            _metric_input("Waist (cm)", "waist_cm"),
            _metric_input("Chest (cm)", "chest_cm"),
            _metric_input("Arms (cm)", "arms_cm"),
            _metric_input("Thighs (cm)", "thighs_cm"),
            rx.button("Save measurements", type="submit", size="2", align_self="end"),
            spacing="3",
            wrap="wrap",
        ),
        on_submit=S.log_metrics,
        reset_on_submit=True,
    )
    chart = charts.line_chart(
        charts.line(is_animation_active=False, data_key="weight", name="Body weight", stroke=PALETTE[0],
                         stroke_width=2, connect_nulls=True),
        charts.line(is_animation_active=False, data_key="waist", name="Waist (cm)", stroke=PALETTE[1],
                         connect_nulls=True),
        charts.line(is_animation_active=False, data_key="body_fat", name="Body fat (%)", stroke=PALETTE[2],
                         connect_nulls=True),
        *_axes(),
        data=S.body, width="100%", height=240,
    )
    return _chart_card("Body", rx.text("Log your weight and measurements; one entry per day.", size="2",
                                       color_scheme="gray"),
                       chart, S.body.length() == 0, "No measurements yet.", form)


def _records() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Personal records", size="4", as_="h2"),
            rx.cond(S.records.length() == 0,
                    rx.text("Records appear from your second workout of an exercise: beat last time!",
                            color_scheme="gray", size="2")),
            rx.foreach(S.records, lambda r: rx.hstack(
                rx.icon("trophy", size=16, color=rx.color("accent", 9)),
                rx.text(rx.text.strong(r["name"]), " — ", r["kind"], ": ", r["value"]),
                rx.spacer(),
                rx.text(r["on"], size="1", color_scheme="gray", white_space="nowrap"),
                width="100%", align="center",
            )),
            spacing="2",
            width="100%",
        ),
        size="3",
        width="100%",
    )


@app_page("/progress", "Progress", on_load=[S.load],
          nav=NavItem("Progress", "trending-up", order=70, tab=True))
def progress_page() -> rx.Component:
    return rx.vstack(
        page_header("Progress", "Strength, cardio, volume, consistency and your body, over time."),
        # One view at a time: a phone shows one chart's worth of page, and only the open tab's
        # charts are drawn (Radix mounts the open tab only), so the page is quick to open.
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Lifts and cardio", value="lifts"),
                rx.tabs.trigger("Volume", value="volume"),
                rx.tabs.trigger("Body", value="body"),
            ),
            rx.tabs.content(
                rx.vstack(rx.cond(S.cardio, _cardio(), _strength()), _records(), spacing="4", width="100%"),
                value="lifts", padding_top="16px"),
            rx.tabs.content(
                rx.grid(_volume(), _sessions(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4",
                        width="100%"),
                value="volume", padding_top="16px"),
            rx.tabs.content(_body(), value="body", padding_top="16px"),
            default_value="lifts",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
