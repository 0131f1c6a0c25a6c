"""Only admins reach the admin console and its handlers, checked on the server."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_PASSWORD
from tests.e2e.journeys import register, sign_in, sign_in_and_wait, sign_out


def _user_row(page: Page, username: str):
    return page.get_by_role("row").filter(has_text=f"{username}@vigor.test")


def test_a_normal_user_cannot_open_the_admin_page(page: Page):
    register(page, "member1")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")).to_have_count(0)
    page.goto("/admin")
    expect(page.get_by_role("alert")).to_contain_text("for administrators only")
    expect(page.get_by_role("heading", name="Users")).to_have_count(0)
    expect(page.get_by_role("table")).to_have_count(0)


def test_a_demoted_admin_cannot_trigger_admin_handlers(chromium, app):
    admin_ctx = chromium.new_context(base_url=app.url, viewport={"width": 1280, "height": 900})
    deputy_ctx = chromium.new_context(base_url=app.url, viewport={"width": 1280, "height": 900})
    admin_page, deputy_page = admin_ctx.new_page(), deputy_ctx.new_page()
    try:
        register(deputy_page, "deputy")
        register(admin_page, "bystander")  # someone for the deputy to try to disable
        sign_out(admin_page)
        sign_in_and_wait(admin_page, "admin", ADMIN_PASSWORD)
        admin_page.goto("/admin")
        _user_row(admin_page, "deputy").get_by_role("button", name="Make admin").click()
        expect(_user_row(admin_page, "deputy").get_by_text("admin", exact=True)).to_be_visible()

        deputy_page.goto("/admin")
        expect(deputy_page.get_by_role("heading", name="Users")).to_be_visible()

        # The admin takes the role back while the deputy still has the console open.
        _user_row(admin_page, "deputy").get_by_role("button", name="Make member").click()
        expect(_user_row(admin_page, "deputy").get_by_text("user", exact=True)).to_be_visible()

        _user_row(deputy_page, "bystander").get_by_role("button", name="Disable").click()
        expect(deputy_page.get_by_text("Only administrators can do this.")).to_be_visible()

        admin_page.reload()
        expect(_user_row(admin_page, "bystander").get_by_text("active", exact=True)).to_be_visible()
        audit = admin_page.get_by_role("row").filter(has_text="Role changed")  # the audit, in words
        expect(audit).to_have_count(2)
        expect(admin_page.get_by_role("row").filter(has_text="Account turned on or off")).to_have_count(0)
    finally:
        admin_ctx.close()
        deputy_ctx.close()


def test_admin_sees_the_console(page: Page):
    page.goto("/signin")
    sign_in(page, "admin", ADMIN_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin console")).to_be_visible()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
