"""An admin adds a provider, tests it, puts it first; a member's plan comes from it; the
admin sees that request and its exact cost in the usage analytics."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ADMIN_PASSWORD
from tests.e2e.journeys import register, sign_in_and_wait, sign_out
from tests.fakes.openai_server import Reply, draft_in
from vigor_app.services.ai.pricing import cost_micros, format_usd

PROVIDER = "Console Lab"
MODEL = "console-lab-model"
INPUT_PRICE, OUTPUT_PRICE = "1.25", "2.5"  # dollars per million tokens
INPUT_MICROS, OUTPUT_MICROS = 1_250_000, 2_500_000


def _tokens(text: str) -> int:
    """How the test server counts tokens (4 bytes a token, rounded up)."""
    return -(-len(text.encode()) // 4)


def _order(page: Page):
    return page.get_by_role("list", name="Providers in the order they are tried")


def _card(page: Page, name: str):
    return _order(page).get_by_role("region", name=name, exact=True)


def test_admin_adds_a_provider_puts_it_first_and_sees_its_plan_in_the_analytics(page: Page, app):
    app.ai.default(MODEL, Reply(echo_draft=True))
    page.goto("/signin")
    sign_in_and_wait(page, "admin", ADMIN_PASSWORD)
    page.goto("/admin/providers")
    expect(page.get_by_role("heading", name="AI providers")).to_be_visible()
    expect(_card(page, "Built-in coach")).to_contain_text("always on")
    assert_accessible(page, "AI providers")

    # Add: a mistake first, shown next to its field, then the right values.
    page.get_by_role("button", name="Add provider").click()
    form = page.get_by_role("dialog")
    form.get_by_label("Name").fill(PROVIDER)
    form.get_by_label("Kind").select_option("openai_compatible")
    form.get_by_label("Base URL").fill(app.ai.base_url)
    form.get_by_label("Model").fill(MODEL)
    form.get_by_label("API key").fill("sk-console-lab-key-7781")
    form.get_by_label("Input price ($ per million tokens)").fill("cheap")
    form.get_by_label("Output price ($ per million tokens)").fill(OUTPUT_PRICE)
    form.get_by_label("Structured output (JSON schema) for plans").uncheck()
    form.get_by_role("button", name="Save provider").click()
    expect(form.locator("#provider-input-price-error")).to_contain_text("dollars")
    expect(form.get_by_label("Name")).to_have_value(PROVIDER)
    expect(form.get_by_label("API key")).to_have_value("")  # a key is never sent back
    assert_accessible(page, "the provider form with a field's error")
    form.get_by_label("API key").fill("sk-console-lab-key-7781")
    form.get_by_label("Input price ($ per million tokens)").fill(INPUT_PRICE)
    form.get_by_role("button", name="Save provider").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    card = _card(page, PROVIDER)
    expect(card).to_contain_text("••••7781")
    expect(card).not_to_contain_text("sk-console-lab-key")
    expect(card.get_by_text("2", exact=True)).to_be_visible()  # second, after the local model

    # Test the connection: a real call to the server, with its latency and tokens.
    card.get_by_role("button", name="Test connection").click()
    expect(card.get_by_role("status")).to_contain_text(re.compile(
        rf"Connected to {MODEL}: answered in [\d,]+ ms, \d+ input \+ \d+ output tokens"))
    assert [c.body["max_tokens"] for c in app.ai.calls(MODEL)] == [16]

    # Put it first.
    card.get_by_role("button", name="Move up").click()
    expect(_order(page).get_by_role("region").first).to_have_accessible_name(PROVIDER)
    expect(card.get_by_role("button", name="Move up")).to_be_disabled()

    # A member generates a plan: the new provider writes it.
    sign_out(page)
    register(page, "console1")
    page.goto("/workouts")
    page.get_by_role("button", name="Generate plan").click()
    expect(page.get_by_text(f"Written by {PROVIDER}")).to_be_visible(timeout=30_000)
    plan_calls = [c for c in app.ai.calls(MODEL) if draft_in(c.messages) is not None]
    assert len(plan_calls) == 1
    seen = plan_calls[0]
    prompt_tokens = _tokens(" ".join(str(m.get("content") or "") for m in seen.messages))
    answer_tokens = _tokens(draft_in(seen.messages))
    cost = format_usd(cost_micros(prompt_tokens, answer_tokens, INPUT_MICROS, OUTPUT_MICROS))

    # The admin sees that request and its exact cost.
    sign_out(page)
    sign_in_and_wait(page, "admin", ADMIN_PASSWORD)
    page.goto("/admin/usage")
    page.get_by_label("Period").select_option("7")
    row = page.get_by_role("table", name="Usage by provider").get_by_role("row").filter(has_text=PROVIDER)
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")  # calls
    expect(row.get_by_role("cell").nth(4)).to_have_text(cost)
    plans = page.get_by_role("table", name="Cost per feature").get_by_role("row").filter(has_text="Plans")
    expect(plans).to_contain_text(cost)
    top = page.get_by_role("table", name="Top users by cost").get_by_role("row").filter(has_text="console1")
    expect(top).to_contain_text(cost)
    assert_accessible(page, "usage and cost")

    # The provider's card counts it too; every step is in the audit log.
    page.goto("/admin/providers")
    expect(_card(page, PROVIDER).get_by_text(cost, exact=True)).to_be_visible()
    page.goto("/admin/audit")
    page.get_by_label("Action").select_option("ai.provider_moved")
    expect(page.get_by_role("table", name="Audit log").get_by_role("row")).to_have_count(2)  # header + 1
    assert_accessible(page, "the audit log")

    # Leave the other journeys their usual provider.
    page.goto("/admin/providers")
    _card(page, PROVIDER).get_by_role("button", name="Delete").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete provider").click()
    expect(_card(page, PROVIDER)).to_have_count(0)
    expect(_order(page).get_by_role("region").first).to_have_accessible_name("Local model")
