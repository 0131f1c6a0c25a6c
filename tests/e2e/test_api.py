"""The public API from a member's side: a token made on the Profile page logs a workout from a
script, the log page shows it, revoking the token stops it at once; the page's own session
token works too; the interactive docs work with no network beyond the app."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.journeys import register


def test_a_token_from_the_profile_page_logs_a_workout_until_it_is_revoked(page: Page, app):
    register(page, "scripter")
    page.goto("/profile")
    page.get_by_label("Token name").fill("Watch shortcut")
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Make a token").click()
    shown = page.locator("#new-api-token")
    expect(shown).to_have_text(re.compile(r"^vgr_"))
    token = shown.inner_text()
    assert_accessible(page, "Profile with a new API token shown once")

    with httpx.Client(base_url=app.url + "/api/v1", headers={"Authorization": f"Bearer {token}"}) as api:
        assert api.get("/me").json()["username"] == "scripter"
        workout = api.post("/sessions", json={"name": "From my watch"}).json()
        entry = api.post(f"/sessions/{workout['id']}/exercises", json={"exercise_id": "barbell-back-squat"}).json()
        first_set = entry["entries"][0]["sets"][0]["id"]
        saved = api.put(f"/sets/{first_set}", json={"reps": 5, "weight_kg": 80})
        assert saved.status_code == 200 and saved.json()["saved"]["done"] is True

    page.goto("/log")
    expect(page.get_by_role("heading", name="From my watch")).to_be_visible()
    expect(page.get_by_text("Barbell back squat").first).to_be_visible()

    page.goto("/profile")
    expect(page.get_by_text("Watch shortcut", exact=True)).to_be_visible()
    expect(page.locator("#new-api-token")).to_have_count(0)  # shown once, gone after
    page.get_by_role("button", name="Revoke Watch shortcut").click()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    with httpx.Client(base_url=app.url + "/api/v1") as api:
        refused = api.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"


def test_the_page_calls_the_api_with_its_own_session(page: Page):
    register(page, "pagecaller")
    answer = page.evaluate("""async () => {
        const token = localStorage.getItem("vigor_session");
        const reply = await fetch("/api/v1/me", {headers: {Authorization: "Bearer " + token}});
        return {status: reply.status, body: await reply.json()};
    }""")
    assert answer["status"] == 200 and answer["body"]["username"] == "pagecaller"


def test_the_interactive_docs_work_offline(chromium, app):
    context = chromium.new_context(base_url=app.url)
    left_the_app: list[str] = []

    def only_the_app(route):
        if route.request.url.startswith(app.url):
            route.continue_()
        else:
            left_the_app.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    page = context.new_page()
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name=re.compile("Vigor API"))).to_be_visible()
    expect(page.get_by_text("/sessions/{session_id}/changes").first).to_be_visible()
    assert left_the_app == []
    context.close()
