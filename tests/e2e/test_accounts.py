"""Accounts in the browser: register, sign out, protected pages, errors, throttling, reset, SSO."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.journeys import PASSWORD, register, sign_in, sign_out


def test_register_sign_out_and_return_to_the_protected_page(page: Page):
    page.goto("/")
    page.get_by_role("link", name="Get started — it's free").click()
    expect(page).to_have_url(re.compile(r"/register/?$"))
    register(page, "runner1")
    sign_out(page)

    page.goto("/progress")
    expect(page).to_have_url(re.compile(r"/signin/?\?next=%2Fprogress(%2F)?$"))
    sign_in(page, "runner1")
    expect(page).to_have_url(re.compile(r"/progress/?$"))
    expect(page.get_by_role("heading", name="Progress", exact=True)).to_be_visible()


def test_registration_errors_sit_next_to_the_field_and_keep_what_was_typed(page: Page):
    page.goto("/register")
    page.get_by_label("E-mail", exact=True).fill("shorty@vigor.test")
    page.get_by_label("Username").fill("shorty")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_label("Confirm password").fill("password123")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#password-error")).to_contain_text("too common")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("shorty@vigor.test")
    expect(page.get_by_label("Username")).to_have_value("shorty")
    expect(page).to_have_url(re.compile(r"/register/?$"))


def test_wrong_password_shows_an_error_and_keeps_the_login(page: Page):
    register(page, "runner2")
    sign_out(page)
    sign_in(page, "runner2", "Not-My-Password-1")
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_label("E-mail or username")).to_have_value("runner2")
    expect(page).to_have_url(re.compile(r"/signin/?$"))


def test_the_sixth_sign_in_attempt_is_refused(page: Page):
    register(page, "runner3")
    sign_out(page)
    for _ in range(5):
        sign_in(page, "runner3", "Wrong-Guess-123")
        expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    sign_in(page, "runner3", PASSWORD)  # even the right password is refused now
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/signin"))


def test_forgotten_password_is_reset_through_the_emailed_link(page: Page, app):
    register(page, "runner4")
    sign_out(page)
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("E-mail", exact=True).fill("runner4@vigor.test")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status")).to_contain_text("a reset link is on its way")
    message = next(m for m in app.mailbox if m["To"] == "runner4@vigor.test")
    link = re.search(r"(http://\S+/reset-password\?token=\S+)", message.get_content()).group(1)

    page.goto(link)
    page.get_by_label("New password", exact=True).fill("Fresh-Legs-2027")
    page.get_by_label("Confirm new password").fill("Fresh-Legs-2027")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password has been changed")

    page.goto("/signin")
    sign_in(page, "runner4", "Fresh-Legs-2027")
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))

    page.goto(link)  # the link works once only
    page.get_by_label("New password", exact=True).fill("Another-Try-2028")
    page.get_by_label("Confirm new password").fill("Another-Try-2028")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid any more")


def test_sign_in_with_the_openid_connect_provider(page: Page, app):
    page.goto("/signin?next=%2Fprofile")
    link = page.get_by_role("link", name="Sign in with Test ID")
    expect(link).to_have_attribute("href", re.compile(r"next=%2Fprofile"))
    link.click()
    expect(page).to_have_url(re.compile(r"/profile/?$"))
    expect(page.get_by_role("main").get_by_text(app.sso_user.email)).to_be_visible()


def test_light_and_dark_mode_is_remembered(page: Page):
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_class(re.compile(r"\blight\b"))
    page.get_by_role("button", name="Switch light or dark mode").click()
    expect(html).to_have_class(re.compile(r"\bdark\b"))
    page.reload()
    expect(html).to_have_class(re.compile(r"\bdark\b"))
