"""A new person completes onboarding, generates a plan, swaps an exercise, and it persists;
the plan's weeks, notes and warm-ups show, and a day starts at the current week."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.journeys import register


def test_onboarding_then_a_plan_with_a_swap_that_survives_a_reload(page: Page):
    register(page, "lifter1", skip_onboarding=False)
    expect(page.get_by_text("Step 1 of 6")).to_be_visible()
    page.get_by_role("radio", name="Intermediate").click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    page.get_by_role("checkbox", name="Strength").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("checkbox", name="Dumbbells").click()
    page.get_by_role("checkbox", name="Bench").click()
    page.get_by_role("button", name="Back").click()  # back keeps what was saved
    expect(page.get_by_role("checkbox", name="Strength")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("checkbox", name="Dumbbells")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("checkbox", name="Knee").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Training days per week").select_option("4")
    page.get_by_label("Session length (minutes)").fill("500")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#session_minutes-error")).to_contain_text("Session length")
    assert_accessible(page, "onboarding with a field's error")
    page.get_by_label("Session length (minutes)").fill("50")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    page.get_by_role("button", name="Finish").click()

    expect(page).to_have_url(re.compile(r"/workouts/?$"))
    page.get_by_role("button", name="Generate plan").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Day 4"))).to_be_visible()
    expect(page.get_by_text("Active", exact=True)).to_be_visible()

    swap = page.get_by_role("button", name=re.compile(r"^Swap ")).first
    old_name = swap.get_attribute("aria-label").removeprefix("Swap ")
    swap.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name=re.compile(r"^Use ")).first).to_be_visible()
    assert_accessible(page, "the swap dialog")
    choice = dialog.get_by_role("button", name=re.compile(r"^Use ")).first
    new_name = choice.inner_text().split("\n")[0].removeprefix("Use ")
    choice.click()
    expect(dialog).to_be_hidden()
    first_swap = page.get_by_role("button", name=re.compile(r"^Swap ")).first
    expect(first_swap).to_have_attribute("aria-label", f"Swap {new_name}")

    page.reload()
    expect(page.get_by_role("button", name=re.compile(r"^Swap ")).first).to_have_attribute(
        "aria-label", f"Swap {new_name}")
    assert new_name != old_name

    # The plan is a block of weeks: this week shown, any other a choice away, with what each asks.
    weeks = page.get_by_label("Week of the block")
    expect(weeks).to_have_value("1")
    expect(weeks.locator("option")).to_have_count(5)  # intermediate: 4 build weeks and a deload
    expect(page.get_by_text("Your knee injury")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Warm-up: ~40 % × \d+")).first).to_be_visible()
    weeks.select_option(label="Week 5 · deload")
    expect(page.get_by_text(re.compile(r"^Week 5 of 5: deload"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Deload: ")).first).to_be_visible()
    assert_accessible(page, "the plan's deload week")
    page.get_by_role("button", name=re.compile(r"^Start Day 1")).click()
    expect(page).to_have_url(re.compile(r"/log/?$"))
    expect(page.get_by_text(re.compile(r"· week 1")).first).to_be_visible()
    page.goto(page.url.replace("/log", "/workouts"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("checkbox", name="Knee")).to_be_checked()
    expect(page.get_by_label("Training days per week")).to_have_value("4")
