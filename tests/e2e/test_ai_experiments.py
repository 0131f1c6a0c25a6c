"""An admin tests two models on plan generation: starts the experiment on the Routing page,
members generate plans (through the local OpenAI-compatible server) and rate them, the admin
sees both arms compared - requests, validity, latency, cost, feedback - and promotes one."""

from __future__ import annotations

import re
import sqlite3
import time

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ADMIN_PASSWORD
from tests.e2e.journeys import register, sign_in_and_wait
from tests.fakes.openai_server import Reply

EXPERIMENT = "Plans: Swift vs Steady"
ARMS = {"a": ("Swift model", "e2e-swift"), "b": ("Steady model", "e2e-steady")}


def _add_provider(page: Page, app, name: str, model: str) -> None:
    page.goto("/admin/providers")
    page.get_by_role("button", name="Add provider").click()
    form = page.get_by_role("dialog")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Kind").select_option("openai_compatible")
    form.get_by_label("Base URL").fill(app.ai.base_url)
    form.get_by_label("Model").fill(model)
    form.get_by_label("API key").fill(f"sk-{model}-key-0042")
    form.get_by_label("Input price ($ per million tokens)").fill("0.5")
    form.get_by_label("Output price ($ per million tokens)").fill("1.5")
    form.get_by_role("button", name="Save provider").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def _arm_of_last_plan(app, username: str, timeout: float = 20) -> str:
    """The arm the member's latest plan request was routed by, as the gateway recorded it."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(f"file:{app.database}?mode=ro", uri=True) as db:
            found = db.execute(
                "SELECT a.arm, a.route FROM ai_attempts a JOIN users u ON u.id = a.user_id "
                "WHERE u.username = ? AND a.feature = 'plan' ORDER BY a.id DESC LIMIT 1", (username,)).fetchone()
        if found is not None:
            assert found[1] == "experiment", found
            return found[0]
        assert time.monotonic() < deadline, f"no plan request of {username} was recorded"
        time.sleep(0.25)


def test_an_admin_runs_an_experiment_members_rate_plans_and_the_winner_is_promoted(page: Page, app, chromium):
    app.ai.default(ARMS["a"][1], Reply(echo_draft=True))
    app.ai.default(ARMS["b"][1], Reply(echo_draft=True, delay=0.3))  # the steadier model is slower
    page.goto("/signin")
    sign_in_and_wait(page, "admin", ADMIN_PASSWORD)
    for name, model in ARMS.values():
        _add_provider(page, app, name, model)

    page.goto("/admin/routing")
    start = page.get_by_role("form", name="Start an experiment")
    start.get_by_label("Experiment name").fill(EXPERIMENT)
    start.get_by_label("Feature tested").select_option("plan")
    start.get_by_label("Arm A", exact=True).select_option(label=ARMS["a"][0])
    start.get_by_label("Arm B", exact=True).select_option(label=ARMS["b"][0])
    start.get_by_label("Members in arm A (%)").fill("50")
    start.get_by_role("button", name="Start experiment").click()
    experiment = page.get_by_role("region", name=EXPERIMENT, exact=True)
    expect(experiment.get_by_text("Running")).to_be_visible()

    # Members generate a plan and rate it: arm A's plans helped, arm B's did not. New members
    # come until each arm has one (a member's arm is fixed; which one it is, the hash says).
    seen: dict[str, int] = {"a": 0, "b": 0}
    for number in range(1, 13):
        if all(seen.values()):
            break
        context = chromium.new_context(base_url=app.url, viewport={"width": 1280, "height": 800})
        member = context.new_page()
        username = f"tester{number}"
        register(member, username)
        member.get_by_role("navigation", name="Main").get_by_role("link", name="Workouts").click()
        member.get_by_role("button", name="Generate plan").click()
        expect(member.get_by_role("heading", name=re.compile(r"^Day 1"))).to_be_visible(timeout=30_000)
        arm = _arm_of_last_plan(app, username)
        thumb = "This helped" if arm == "a" else "This did not help"
        button = member.get_by_role("group", name="Your feedback").get_by_role("button", name=thumb)
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        seen[arm] += 1
        context.close()
    assert all(seen.values()), seen
    assert len(app.ai.calls(ARMS["a"][1])) == seen["a"] and len(app.ai.calls(ARMS["b"][1])) == seen["b"]

    page.reload()
    table = page.get_by_role("table", name=f"Arms of {EXPERIMENT}")
    for arm, helped in (("a", "100.0% helped"), ("b", "0.0% helped")):
        row = table.get_by_role("row").filter(has_text=f"{arm.upper()}: {ARMS[arm][0]}")
        cells = row.get_by_role("cell")
        expect(cells.nth(2)).to_have_text(f"{seen[arm]}")  # requests
        expect(cells.nth(3)).to_have_text(f"100.0% ({seen[arm]} of {seen[arm]})")  # valid first time
        expect(cells.nth(4)).to_contain_text(re.compile(r"^[\d,]+ / [\d,]+ ms"))
        expect(cells.nth(7)).to_contain_text(helped)
    assert_accessible(page, "the routing page with an experiment's arms compared")

    experiment.get_by_role("button", name=f"Promote arm A of {EXPERIMENT}").click()
    expect(experiment.get_by_text("Stopped; arm A promoted")).to_be_visible()
    rules = page.get_by_role("table", name="Routing rules")
    expect(rules.get_by_role("row").filter(has_text="Plan generation")).to_contain_text(
        re.compile(rf"^Plan generation\s*All members\s*{ARMS['a'][0]} → "))

    # The rule is the admin's to take back: the feature follows the providers' order again (and
    # the browser tests after this one see the order they expect).
    page.get_by_role("button", name="Remove the rule for Plan generation, All members").click()
    expect(rules.get_by_role("row").filter(has_text="Plan generation")).to_have_count(0)
