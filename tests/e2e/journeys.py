"""Steps the browser tests share, written the way a person uses the app (labels and roles)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible

PASSWORD = "Bench-Press-2026"


def register(page: Page, name: str, password: str = PASSWORD, *, skip_onboarding: bool = True) -> None:
    page.goto("/register")
    page.get_by_label("E-mail", exact=True).fill(f"{name}@vigor.test")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/onboarding/?$"))
    expect(page.get_by_role("link", name="Skip set-up for now")).to_be_visible()  # the page is in
    assert_accessible(page, "onboarding")
    if not skip_onboarding:
        return
    page.get_by_role("link", name="Skip set-up for now").click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.get_by_role("heading", name=f"Welcome, {name}!")).to_be_visible()
    assert_accessible(page, "a new person's dashboard")


def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    page.get_by_label("E-mail or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_in_and_wait(page: Page, login: str, password: str = PASSWORD) -> None:
    sign_in(page, login, password)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin/?$"))
