"""Logging a session from a plan day: sets survive a reload; streak, record, the exercise's
history and charts follow."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.journeys import register

MAX_REST_CLICKS = 20  # -15 s each: past the longest rest a plan gives (300 s)


def _start_day_one(page: Page) -> str:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workouts").click()
    page.get_by_role("button", name=re.compile(r"^Start Day 1")).click()
    expect(page).to_have_url(re.compile(r"/log/?$"))
    # Wait for the log page's own content: the first exercise's first "Done" button names it.
    first_done = page.get_by_role("button", name=re.compile(r"^Done set 1 of ")).first
    expect(first_done).to_be_visible()
    label = first_done.get_attribute("aria-label") or first_done.inner_text()
    return label.removeprefix("Done set 1 of ")


def _seconds_left(timer) -> int:
    return int(re.fullmatch(r"Rest (\d+) s", timer.inner_text().strip()).group(1))


def _finish(page: Page) -> None:
    page.get_by_role("button", name="Finish workout").click()
    expect(page).to_have_url(re.compile(r"/history/?\?finished=\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Workout saved")


def test_log_a_session_reload_finish_then_streak_record_and_charts(page: Page):
    register(page, "runner5")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workouts").click()
    page.get_by_role("button", name="Generate plan").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Day 1"))).to_be_visible()

    exercise = _start_day_one(page)
    page.get_by_label(f"Weight (kg) set 1 of {exercise}").fill("20")
    page.get_by_role("button", name=f"Done set 1 of {exercise}").click()
    expect(page.get_by_role("button", name=f"Undo set 1 of {exercise}")).to_be_visible()

    page.reload()  # mid-session: nothing is lost
    expect(page.get_by_role("button", name=f"Undo set 1 of {exercise}")).to_be_visible()
    expect(page.get_by_label(f"Weight (kg) set 1 of {exercise}")).to_have_value("20")
    page.get_by_role("button", name=f"Done set 2 of {exercise}").click()
    expect(page.get_by_role("button", name=f"Undo set 2 of {exercise}")).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text("Rest")
    assert_accessible(page, "the log page with two sets done and the rest timer running")
    # The browser counts the rest down; −15 s restarts the count from the new deadline.
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^Rest \d+ s$"))
    first = _seconds_left(timer)
    expect(timer).not_to_have_text(f"Rest {first} s", timeout=3_000)  # a second later, one less
    # When the rest is over the page beeps and vibrates (where the browser allows): shorten it
    # to a few seconds and let it run out.
    assert page.evaluate("window.vigorRestAlerts") == 0
    shorter = page.get_by_role("button", name="−15 s")
    for _ in range(MAX_REST_CLICKS):
        if _seconds_left(timer) <= 20:
            break
        before = _seconds_left(timer)
        shorter.click()
        expect(timer).not_to_have_text(f"Rest {before} s")
    assert _seconds_left(timer) <= 20
    page.wait_for_function("window.vigorRestAlerts === 1", timeout=30_000)  # the server ends it
    expect(page.get_by_role("button", name="−15 s")).to_have_count(0)
    _finish(page)

    # The session took seconds here; say it took 45 minutes, so it counts toward the streak.
    page.get_by_label("Minutes").first.fill("45")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text(re.compile(r"^45 min"))).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("1 day", exact=True)).to_have_count(2)  # current and longest streak
    expect(page.get_by_text(re.compile(r"^A day counts toward your streak when you finish a workout of 15 minutes")))\
        .to_be_visible()

    # Next time: last time's numbers are filled in; a heavier set is a record.
    exercise_again = _start_day_one(page)
    assert exercise_again == exercise
    weight = page.get_by_label(f"Weight (kg) set 1 of {exercise}")
    expect(weight).to_have_value("20")
    weight.fill("25")
    page.get_by_role("button", name=f"Done set 1 of {exercise}").click()
    expect(page.get_by_text(re.compile(r"^New record!"))).to_be_visible()
    # A set can be marked a warm-up (W), a drop set (D) or a set to failure (F).
    kind = page.get_by_label(f"Type of set 2 of {exercise}")
    kind.select_option("warmup")
    page.reload()
    expect(page.get_by_label(f"Type of set 2 of {exercise}")).to_have_value("warmup")
    _finish(page)
    expect(page.get_by_role("status")).to_contain_text("New record")
    assert_accessible(page, "History after a workout with a record")

    # Each History card lists its sets; the exercise's name opens its page with every workout's sets.
    expect(page.get_by_text(re.compile(r"^25 kg × \d+")).first).to_be_visible()
    page.get_by_role("link", name=exercise, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/history/exercise/?\?id="))
    expect(page.get_by_role("heading", level=1, name=exercise)).to_be_visible()
    expect(page.get_by_text("2 workouts, newest first.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^25 kg × \d+"))).to_have_count(1)
    expect(page.get_by_text(re.compile(r"^20 kg × \d+")).first).to_be_visible()
    expect(page.get_by_role("heading", name="Your records")).to_be_visible()
    assert_accessible(page, "the exercise's history")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    picker = page.get_by_label("Exercise")
    expect(picker.locator("option", has_text=exercise)).to_have_count(1)
    picker.select_option(label=exercise)
    expect(page.get_by_text("Log a few workouts to see your strength grow.")).to_have_count(0)
    expect(page.locator(".recharts-line").first).to_be_visible()
    expect(page.get_by_role("heading", name="Personal records").locator("..")).to_contain_text(exercise)
    assert_accessible(page, "Progress with a chart")


def test_import_from_strong_and_download_my_data(page: Page):
    register(page, "importer1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "strong_kg.csv"
    page.locator("#import-upload input[type=file]").set_input_files(str(fixture))
    page.get_by_role("button", name="Import workouts").click()
    # The Profile page has more than one status (the notifications card's too): the import's.
    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text("Imported 2 workouts")
    assert_accessible(page, "Profile after an import")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download workouts (CSV)").click()
    content = Path(download.value.path()).read_text()
    assert content.splitlines()[0].startswith("date,")
    assert len(content.splitlines()) > 10
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(page.get_by_text("2 workouts", exact=True)).to_be_visible()
