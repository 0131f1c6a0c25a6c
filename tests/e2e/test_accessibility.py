"""Accessibility found by role, the way assistive technology finds it: one main landmark per
page, headings that descend one level at a time, Membership in both navigations, a named file
input on the Profile page, the orange accent's contrast fixes loaded, and axe-core with no
violation on every page at desktop and phone width (the journeys check the pages again with
data on them)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ADMIN_PASSWORD
from tests.e2e.journeys import register, sign_in_and_wait

# Every heading's level, in document order, for the headings a person can see.
HEADING_LEVELS = """() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))"""


def _assert_headings_descend_by_one(page: Page) -> None:
    levels = page.evaluate(HEADING_LEVELS)
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.parametrize("path", ["/signin", "/register", "/forgot-password"])
def test_the_signed_out_pages_have_one_main_landmark(page: Page, path: str):
    page.goto(path)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_count(1)


def test_the_landing_and_exercise_pages_do_not_skip_heading_levels(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    _assert_headings_descend_by_one(page)

    register(page, "headings1")
    page.goto("/exercises")
    expect(page.get_by_role("article").first).to_be_visible()
    expect(page.get_by_role("main")).to_have_count(1)
    _assert_headings_descend_by_one(page)


def test_membership_is_in_the_sidebar_and_the_phone_menu(page: Page):
    register(page, "navmember1")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Membership")).to_have_attribute("href", "/membership")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("menuitem", name="Membership").click()
    expect(page).to_have_url(re.compile(r"/membership/?$"))
    expect(page.get_by_role("heading", name="Membership", level=1)).to_be_visible()


def test_the_profile_import_file_input_is_found_by_its_label(page: Page):
    register(page, "upload1")
    page.goto("/profile")
    file_input = page.get_by_label("File to import")
    expect(file_input).to_have_count(1)
    expect(file_input).to_have_attribute("type", "file")


def test_primary_buttons_have_dark_text_on_orange(page: Page):
    page.goto("/signin")
    button = page.get_by_role("button", name="Sign in", exact=True)
    expect(button).to_have_css("color", "rgb(42, 18, 4)")  # #2a1204, 5.96:1 on orange-9


SIGNED_OUT = ["/", "/signin", "/register", "/forgot-password", "/reset-password?token=unknown"]
SIGNED_IN = ["/dashboard", "/workouts", "/log", "/history", "/exercises", "/coach", "/progress", "/profile",
             "/membership", "/onboarding"]
ADMIN = ["/admin", "/admin/users", "/admin/providers", "/admin/budgets", "/admin/tiers", "/admin/upgrades",
         "/admin/usage", "/admin/audit", "/admin/system"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _check_each(page: Page, paths: list[str]) -> None:
    for path in paths:
        page.goto(path)
        expect(page.get_by_role("main").get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_timeout(300)  # the page's data, loaded after its first paint
        assert_accessible(page, path)


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_on_any_page(page: Page, width: str):
    page.set_viewport_size(WIDTHS[width])
    _check_each(page, SIGNED_OUT)
    register(page, f"axe{width}")
    _check_each(page, SIGNED_IN)


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_on_the_admin_pages(page: Page, width: str):
    page.set_viewport_size(WIDTHS[width])
    page.goto("/signin")
    sign_in_and_wait(page, "admin", ADMIN_PASSWORD)
    _check_each(page, ADMIN)
