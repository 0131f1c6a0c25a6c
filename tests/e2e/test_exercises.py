"""The exercise library: find an exercise by name, narrow by equipment, clear, and see the empty state."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.journeys import register


def _card(page: Page, name: str):
    return page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=name, exact=True))


def test_browse_the_exercise_library(page: Page):
    register(page, "librarian")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exercises").click()
    expect(page).to_have_url(re.compile(r"/exercises/?$"))
    expect(page.get_by_role("heading", name="Exercise library")).to_be_visible()
    count = page.get_by_role("status").filter(has_text="exercise")
    expect(count).to_have_text(re.compile(r"^\d+ exercises$"))
    expect(page.get_by_role("button", name="Show more")).to_be_visible()

    page.get_by_label("Search exercises").fill("goblet")
    squat = _card(page, "Dumbbell goblet squat")
    expect(squat).to_be_visible()
    expect(squat.get_by_text("Dumbbells", exact=False)).to_be_visible()
    expect(squat.get_by_text("Squat", exact=True)).to_be_visible()  # the pattern badge
    expect(page.get_by_role("button", name="Show more")).to_have_count(0)
    assert_accessible(page, "the exercise library after a search")

    page.get_by_label("Equipment").select_option(label="Kettlebells")
    expect(_card(page, "Kettlebell goblet squat")).to_be_visible()
    expect(_card(page, "Dumbbell goblet squat")).to_have_count(0)
    expect(count).to_have_text("2 exercises")

    page.get_by_label("Movement pattern").select_option(label="Horizontal push")
    expect(page.get_by_text("No exercises match your search and filters.")).to_be_visible()
    assert_accessible(page, "the exercise library with no match")
    page.get_by_role("button", name="Clear filters").click()

    expect(page.get_by_label("Search exercises")).to_have_value("")
    expect(page.get_by_label("Equipment")).to_have_value("")
    expect(page.get_by_label("Movement pattern")).to_have_value("")
    expect(count).to_have_text(re.compile(r"^\d+ exercises$"))
    expect(page.get_by_role("button", name="Show more")).to_be_visible()
