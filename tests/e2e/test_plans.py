"""A new person completes onboarding, generates a plan, swaps an exercise, and it persists."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

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

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("checkbox", name="Knee")).to_be_checked()
    expect(page.get_by_label("Training days per week")).to_have_value("4")
