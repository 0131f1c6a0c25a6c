"""Logging in the gym's dead zone: a plan day started online, then, with the network gone, sets
ticked, one edited, the page reloaded from the cache, more sets ticked and the tab closed;
online again, exactly those sets are stored, once each, with the edited value, and nothing is
left waiting."""

from __future__ import annotations

import re
import sqlite3
import time

from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.journeys import register


def _snapshot(page: Page, timeout: float = 20) -> dict:
    """The open workout as the page kept it for offline use (taken once the log page settles)."""
    deadline = time.monotonic() + timeout
    while True:
        kept = page.evaluate("window.vigorOfflineLog ? window.vigorOfflineLog.snapshot() : null")
        if kept and kept.get("entries"):
            return kept
        assert time.monotonic() < deadline, "the log page kept no copy of the open workout"
        page.wait_for_timeout(250)


def _stored(app, username: str) -> tuple[list[tuple], int]:
    """(every set of the person's workouts: exercise, position, reps, weight, done), and how
    many changes were applied by key."""
    with sqlite3.connect(f"file:{app.database}?mode=ro", uri=True) as db:
        user_id = db.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()[0]
        sets = db.execute("SELECT exercise_id, position, reps, weight_kg, done FROM workout_sets "
                          "WHERE user_id = ? ORDER BY id", (user_id,)).fetchall()
        applied = db.execute("SELECT count(*) FROM applied_changes WHERE user_id = ?", (user_id,)).fetchone()[0]
    return sets, applied


def _tick(log, exercise: str, number: int, reps: str, weight: str) -> None:
    log.get_by_label(f"Reps set {number} of {exercise}").fill(reps)
    log.get_by_label(f"Weight (kg) set {number} of {exercise}").fill(weight)
    log.get_by_role("button", name=f"Done set {number} of {exercise}").click()
    expect(log.get_by_role("button", name=f"Undo set {number} of {exercise}")).to_be_visible()


def test_sets_logged_offline_survive_a_reload_and_a_closed_tab(page: Page, app):
    register(page, "deadzone")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workouts").click()
    page.get_by_role("button", name="Generate plan").click()
    page.get_by_role("button", name=re.compile(r"^Start Day 1")).click()
    expect(page).to_have_url(re.compile(r"/log/?$"))
    expect(page.get_by_role("button", name=re.compile(r"^Done set 1 of ")).first).to_be_visible()
    kept = _snapshot(page)
    lifts = [e for e in kept["entries"] if not e["timed"] and not e.get("distance") and len(e["sets"]) >= 2]
    assert len(lifts) >= 3, kept
    first, second, third = (e["name"] for e in lifts[:3])
    offline_first = [(first, 1), (first, 2), (second, 1), (second, 2), (third, 1)]
    every_set = [(e["name"], n) for e in lifts for n in range(1, len(e["sets"]) + 1)]
    later = [one for one in every_set if one not in offline_first][:3]
    assert len(later) == 3, every_set
    before, _ = _stored(app, "deadzone")

    context = page.context
    context.set_offline(True)
    log = page.get_by_role("region", name="Offline log")
    expect(log).to_be_visible()
    for exercise, number in offline_first:
        _tick(log, exercise, number, "8", "40")
    log.get_by_label(f"Weight (kg) set 2 of {first}").fill("42.5")
    log.get_by_role("button", name=f"Save set 2 of {first}").click()
    expect(log.get_by_text("6 changes waiting")).to_be_visible()
    assert_accessible(page, "the offline log with six changes waiting")

    page.reload()  # from the service worker's cache, the queue from IndexedDB
    log = page.get_by_role("region", name="Offline log")
    expect(log.get_by_text("6 changes waiting")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="You're offline")).to_be_visible()
    for exercise, number in offline_first:
        expect(log.get_by_role("button", name=f"Undo set {number} of {exercise}")).to_be_visible()
    expect(log.get_by_label(f"Weight (kg) set 2 of {first}")).to_have_value("42.5")
    for exercise, number in later:
        _tick(log, exercise, number, "6", "50")
    expect(log.get_by_text("9 changes waiting")).to_be_visible()
    assert _stored(app, "deadzone")[0] == before  # nothing reached the server while offline
    page.close()

    context.set_offline(False)
    again = context.new_page()
    again.goto("/log")
    # The queue is sent ("Sending your changes…" over the page), then the page reloads and the
    # live page shows what the server has.
    deadline = time.monotonic() + 20
    while _stored(app, "deadzone")[1] < 9:
        assert time.monotonic() < deadline, "the queue was not sent"
        again.wait_for_timeout(250)
    expect(again.get_by_role("region", name="Offline log")).to_have_count(0, timeout=20_000)
    expect(again.get_by_role("button", name=f"Undo set 2 of {first}")).to_be_visible(timeout=20_000)
    expect(again.get_by_label(f"Weight (kg) set 2 of {first}")).to_have_value("42.5")
    expect(again.get_by_text(re.compile(r"changes? waiting"))).to_have_count(0)
    sets, applied = _stored(app, "deadzone")
    done = [s for s in sets if s[4]]
    assert len(done) == 8, done
    assert sorted((s[2], s[3]) for s in done) == sorted([(8, 40.0)] * 4 + [(8, 42.5)] + [(6, 50.0)] * 3)
    assert applied == 9  # each change once, by its key
    assert len(sets) == len(before)  # no set added or lost on the way


def test_signing_out_forgets_the_offline_copy(page: Page):
    register(page, "sharedphone")
    page.goto("/log")
    page.get_by_role("button", name="Start a freestyle workout").click()
    page.get_by_label("Add an exercise").fill("Barbell back squat")
    page.get_by_role("button", name="Add Barbell back squat").click()
    expect(page.get_by_role("button", name="Done set 1 of Barbell back squat")).to_be_visible()
    assert _snapshot(page)["entries"][0]["name"] == "Barbell back squat"
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin/?$"))
    deadline = time.monotonic() + 10
    while page.evaluate("window.vigorOfflineLog.snapshot()") is not None:
        assert time.monotonic() < deadline, "the signed-out person's workout stayed on the device"
        page.wait_for_timeout(250)
