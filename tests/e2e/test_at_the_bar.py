"""At the bar: a superset with a warm-up ramp from the calculator and a drop set, a run with
its distance, and a draft that survives a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.journeys import register

BENCH = "Barbell bench press"
ROW = "Barbell bent-over row"
RUN = "Running"


def _add(page: Page, typed: str, name: str) -> None:
    page.get_by_label("Add an exercise").fill(typed)
    page.get_by_role("button", name=f"Add {name}", exact=True).click()
    expect(page.get_by_role("button", name=f"Done set 1 of {name}")).to_be_visible()


def test_superset_warm_ups_drop_set_run_and_a_draft_kept_over_a_reload(page: Page):
    register(page, "barlifter")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.get_by_label("Bar weight (kg)").fill("20")
    page.get_by_label("Plates you have (kg), separated by commas").fill("25, 20, 10, 5, 2.5, 1.25")
    page.get_by_role("button", name="Save bar and plates").click()
    expect(page.get_by_text("Bar and plates saved")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log").click()
    page.get_by_role("button", name="Start a freestyle workout").click()
    _add(page, "bench press barbell", BENCH)
    _add(page, "bb row", ROW)
    _add(page, "run", RUN)

    # Bench and row as a superset.
    page.get_by_role("button", name=f"Superset {BENCH} with the next exercise").click()
    expect(page.get_by_text("Superset A")).to_have_count(2)

    # The calculator: plates for 60 kg, and its warm-up ramp added as warm-up sets.
    page.get_by_role("button", name=f"Plate and warm-up calculator for {BENCH}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Working weight (kg)").fill("60")
    expect(dialog.get_by_role("status")).to_have_text("Each side: 20 kg")
    dialog.get_by_role("button", name="Add these as warm-up sets").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_label(f"Type of set 1 of {BENCH}")).to_have_value("warmup")
    expect(page.get_by_label(f"Weight (kg) set 1 of {BENCH}")).to_have_value("20")

    # The first warm-up, then the row: the rest starts after the round, not before.
    page.get_by_label(f"Reps set 1 of {BENCH}").fill("10")
    page.get_by_role("button", name=f"Done set 1 of {BENCH}").click()
    expect(page.get_by_role("button", name=f"Undo set 1 of {BENCH}")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_count(0)
    page.get_by_label(f"Reps set 1 of {ROW}").fill("8")
    page.get_by_label(f"Weight (kg) set 1 of {ROW}").fill("40")
    page.get_by_role("button", name=f"Done set 1 of {ROW}").click()
    expect(page.get_by_role("timer")).to_contain_text("Rest")
    page.get_by_role("button", name="Skip").click()

    # The last bench set is a drop set.
    last = page.get_by_label(re.compile(rf"^Type of set \d+ of {BENCH}$")).last
    last.select_option("drop")
    expect(last).to_have_value("drop")

    # A run: distance and time, and its pace.
    page.get_by_label(f"Distance (km) set 1 of {RUN}").fill("5")
    page.get_by_label(f"Time (minutes:seconds) set 1 of {RUN}").fill("25:30")
    page.get_by_role("button", name=f"Done set 1 of {RUN}").click()
    expect(page.get_by_text("Pace 5:06 /km")).to_be_visible()
    page.get_by_role("button", name="Skip").click()

    # Typed but not ticked: kept on the server, so a reload keeps it.
    draft = page.get_by_label(f"Reps set 2 of {ROW}")
    draft.fill("7")
    draft.blur()
    page.wait_for_timeout(1_000)  # the draft is sent a moment after typing stops
    page.reload()
    expect(page.get_by_label(f"Reps set 2 of {ROW}")).to_have_value("7")
    expect(page.get_by_role("button", name=f"Done set 2 of {ROW}")).to_be_visible()  # still not ticked
    expect(page.get_by_label(re.compile(rf"^Type of set \d+ of {BENCH}$")).last).to_have_value("drop")
    expect(page.get_by_role("button", name=f"Undo set 1 of {RUN}")).to_be_visible()
