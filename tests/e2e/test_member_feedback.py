"""A member says a coach reply did not help (with a reason) and a plan did; the admin sees the
votes counted against the provider and model that wrote them."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ADMIN_PASSWORD, AI_MODEL
from tests.e2e.journeys import register, sign_in_and_wait, sign_out


def test_a_member_rates_a_reply_and_a_plan_and_the_admin_sees_the_counts(page: Page):
    register(page, "rater1")

    # A thumbs down on the coach's reply, with a reason.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coach").click()
    page.get_by_label("Message to the coach").fill("What should I train this week?")
    page.get_by_role("button", name="Send").click()
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply).to_contain_text("you are doing well.")
    down = reply.get_by_role("button", name="This did not help")
    expect(down).to_have_attribute("aria-pressed", "false")
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(reply.get_by_role("button", name="This helped")).to_have_attribute("aria-pressed", "false")
    reason = reply.get_by_label("What did not help? (optional)")
    reason.fill("x" * 281)
    reply.get_by_role("button", name="Send reason").click()
    expect(reply.get_by_role("alert")).to_have_text("Keep a reason under 280 characters.")
    assert_accessible(page, "a coach reply's reason with its error")
    reason.fill("It ignored my <b>sore knee</b>")
    reply.get_by_role("button", name="Send reason").click()
    expect(reason).to_be_hidden()
    page.reload()
    reply = page.get_by_role("article", name="Coach said").last
    expect(reply.get_by_role("button", name="This did not help")).to_have_attribute("aria-pressed", "true")

    # A thumbs up on the plan.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workouts").click()
    page.get_by_role("button", name="Generate plan").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Day 1"))).to_be_visible()
    up = page.get_by_role("group", name="Your feedback").get_by_role("button", name="This helped")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("What did not help? (optional)")).to_have_count(0)
    assert_accessible(page, "a plan rated")
    page.reload()
    expect(page.get_by_role("group", name="Your feedback").get_by_role("button", name="This helped")
           ).to_have_attribute("aria-pressed", "true")

    # The admin sees both votes against the model that wrote them, and the reason as text.
    sign_out(page)
    sign_in_and_wait(page, "admin", ADMIN_PASSWORD)
    page.goto("/admin/usage")
    page.get_by_label("Period").select_option("7")
    table = page.get_by_role("table", name="Member feedback by provider, model and arm")
    row = table.get_by_role("row").filter(has_text=AI_MODEL)
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text(AI_MODEL)
    expect(cells.nth(1)).to_have_text("—")  # no experiment ran
    expect(cells.nth(2)).to_have_text("1")  # helped: the plan
    expect(cells.nth(3)).to_have_text("1")  # did not help: the reply
    expect(cells.nth(5)).to_have_text("50.0%")
    reasons = page.get_by_role("table", name="Latest reasons members gave")
    expect(reasons).to_contain_text("It ignored my <b>sore knee</b>")
    assert reasons.locator("b").count() == 0
    assert_accessible(page, "the console's member feedback")
