"""A FREE user uses AI up to the limit, sees the meters and the notice, asks for an upgrade;
an admin approves it; the user sees the new tier and limits."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ADMIN_PASSWORD
from tests.e2e.journeys import register, sign_in_and_wait

FREE_DAILY = 10


def test_use_the_allowance_request_an_upgrade_and_get_it(page: Page, chromium, app):
    register(page, "member2")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Workouts").click()
    for done in range(1, FREE_DAILY + 1):  # each plan is an AI request
        page.get_by_role("button", name="Generate plan").click()
        if done > 1:
            expect(page.get_by_label("Your plans").locator("option")).to_have_count(done)
        else:
            expect(page.get_by_role("heading", name=re.compile(r"^Day 1"))).to_be_visible()
    # One more: the built-in engine writes it, and the page says why, with the way to more.
    page.get_by_role("button", name="Generate plan").click()
    notice = page.get_by_role("status").filter(has_text=f"You've used all {FREE_DAILY} AI requests")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("link", name="Your membership")).to_have_attribute("href", "/membership")
    assert_accessible(page, "a plan written by the built-in engine past the limit")

    page.goto("/membership")
    expect(page.get_by_text(f"{FREE_DAILY} of {FREE_DAILY} AI requests")).to_have_count(1)  # today is full
    assert_accessible(page, "Membership with today's allowance used")
    page.goto("/dashboard")
    expect(page.get_by_text(re.compile("You have reached an AI limit"))).to_be_visible()
    assert_accessible(page, "the dashboard's limit notice")

    page.goto("/coach")
    page.get_by_label("Message to the coach").fill("What should I train today?")
    page.get_by_role("button", name="Send").click()
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply).to_contain_text(f"You've used all {FREE_DAILY} AI requests")
    expect(reply).to_contain_text("Built-in coach")
    reply.get_by_role("link", name="Your membership").click()

    expect(page).to_have_url(re.compile(r"/membership/?$"))
    page.get_by_label("Tier").select_option("premium")
    page.get_by_label("Note for the team (optional)").fill("I train every day.")
    page.get_by_role("button", name="Request upgrade").click()
    expect(page.get_by_text("pending")).to_be_visible()

    admin = chromium.new_context(base_url=app.url)
    try:
        admin_page = admin.new_page()
        admin_page.goto("/signin")
        sign_in_and_wait(admin_page, "admin", ADMIN_PASSWORD)
        admin_page.goto("/admin/upgrades")
        expect(admin_page.get_by_label("Reason for member2")).to_be_visible()
        assert_accessible(admin_page, "upgrade requests")
        admin_page.get_by_label("Reason for member2").fill("Welcome to Premium!")
        admin_page.get_by_role("button", name="Approve member2").click()
        expect(admin_page.get_by_text("No requests waiting.")).to_be_visible()
    finally:
        admin.close()

    page.reload()
    expect(page.get_by_role("heading", name="Your tier: Premium")).to_be_visible()
    expect(page.get_by_text(f"{FREE_DAILY} of 50 AI requests")).to_be_visible()
    expect(page.get_by_text("approved")).to_be_visible()
    assert_accessible(page, "Membership after an upgrade")
