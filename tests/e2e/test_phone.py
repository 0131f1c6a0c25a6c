"""On a phone (390 px): the tab bar reaches the sections used between sets, the log page fits
the screen with its touch targets and column labels, and an admin table becomes cards."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ADMIN_PASSWORD
from tests.e2e.journeys import register, sign_in_and_wait

PHONE = {"width": 390, "height": 844}
BENCH = "Barbell bench press"


def _overflowing(page: Page) -> list[str]:
    """Visible elements that reach past the right edge of the screen."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        for (const el of document.querySelectorAll('main *')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.height > 0 && box.right > width + 1) {
                out.push(el.tagName + ' ' + (el.getAttribute('aria-label') || el.textContent || '').slice(0, 40));
            }
        }
        return out;
    }""")


def test_the_tab_bar_and_a_logged_set_fit_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    register(page, "phonelifter")
    tabs = page.get_by_role("navigation", name="Sections")
    for name in ("Dashboard", "Log", "History", "Coach", "Progress"):
        link = tabs.get_by_role("link", name=name)
        expect(link).to_be_visible()
        assert link.bounding_box()["height"] >= 44
    tabs.get_by_role("link", name="Log").click()
    expect(tabs.get_by_role("link", name="Log")).to_have_attribute("aria-current", "page")

    page.get_by_role("button", name="Start a freestyle workout").click()
    page.get_by_label("Add an exercise").fill("bench press barbell")
    page.get_by_role("button", name=f"Add {BENCH}", exact=True).click()
    done = page.get_by_role("button", name=f"Done set 1 of {BENCH}")
    expect(done).to_be_visible()
    page.get_by_label(f"Reps set 1 of {BENCH}").fill("8")
    page.get_by_label(f"Weight (kg) set 1 of {BENCH}").fill("60")
    done.click()
    undo = page.get_by_role("button", name=f"Undo set 1 of {BENCH}")
    expect(undo).to_be_visible()
    expect(page.locator('main >> text="Reps" >> visible=true')).to_have_count(1)  # column labels, once filled
    box = undo.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a thumb's target
    assert _overflowing(page) == []
    assert_accessible(page, "the log page on a phone with a set done")
    # nothing of the page hides behind the tab bar: its last element scrolls clear of it
    page.mouse.wheel(0, 5000)
    bar_top = tabs.bounding_box()["y"]
    finish = page.get_by_role("button", name="Finish workout")
    finish.scroll_into_view_if_needed()
    assert finish.bounding_box()["y"] + finish.bounding_box()["height"] <= bar_top


def test_an_admin_table_is_cards_on_a_phone_with_its_buttons_in_reach(page: Page, chromium, app):
    register(page, "cardmember")  # someone for the admin to see
    context = chromium.new_context(base_url=app.url, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/signin")
        sign_in_and_wait(page, "admin", ADMIN_PASSWORD)
        page.goto("/admin")
        row = page.get_by_role("row").filter(has_text="cardmember@vigor.test")
        for name in ("Manage cardmember", "Make admin", "Disable"):
            button = row.get_by_role("button", name=name)
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
        spend = row.locator('[data-label="AI spend this month"]')
        expect(spend).to_be_visible()  # each value shown beside its column's name:
        assert spend.evaluate("el => getComputedStyle(el, '::before').content") == '"AI spend this month"'
        assert _overflowing(page) == []
        assert_accessible(page, "the admin's users as cards on a phone")
    finally:
        context.close()
