"""Logging in the gym's dead zone: a plan day started online, then, with the network gone, sets
ticked, one edited, the page reloaded from the cache, more sets ticked and the tab closed;
online again, exactly those sets are stored, once each, with the edited value, and nothing is
left waiting - with the server up all along, and restarted while the phone was offline. And a
set changed on the phone offline and on another device too: the later change wins and the
person is told which."""

from __future__ import annotations

import re
import sqlite3
import time

import httpx
import pytest
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


def _start_plan_day(page: Page, username: str) -> None:
    register(page, username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workouts").click()
    page.get_by_role("button", name="Generate plan").click()
    page.get_by_role("button", name=re.compile(r"^Start Day 1")).click()
    expect(page).to_have_url(re.compile(r"/log/?$"))
    expect(page.get_by_role("button", name=re.compile(r"^Done set 1 of ")).first).to_be_visible()


@pytest.mark.parametrize("restart", [False, True], ids=["server-up", "server-restarted-while-offline"])
def test_sets_logged_offline_survive_a_reload_and_a_closed_tab(page: Page, app, restart: bool):
    username = "deadzone" + ("-restart" if restart else "")
    _start_plan_day(page, username)
    kept = _snapshot(page)
    lifts = [e for e in kept["entries"] if not e["timed"] and not e.get("distance") and len(e["sets"]) >= 2]
    assert len(lifts) >= 3, kept
    first, second, third = (e["name"] for e in lifts[:3])
    offline_first = [(first, 1), (first, 2), (second, 1), (second, 2), (third, 1)]
    every_set = [(e["name"], n) for e in lifts for n in range(1, len(e["sets"]) + 1)]
    later = [one for one in every_set if one not in offline_first][:3]
    assert len(later) == 3, every_set
    before, _ = _stored(app, username)

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
    if restart:  # the server goes down and comes back while the phone is still offline
        app.restart()
    for exercise, number in later:
        _tick(log, exercise, number, "6", "50")
    expect(log.get_by_text("9 changes waiting")).to_be_visible()
    assert _stored(app, username)[0] == before  # nothing reached the server while offline
    page.close()

    context.set_offline(False)
    again = context.new_page()
    again.goto("/log")
    # The queue is sent ("Sending your changes…" over the page), then the page reloads and the
    # live page shows what the server has.
    deadline = time.monotonic() + 20
    while _stored(app, username)[1] < 9:
        assert time.monotonic() < deadline, "the queue was not sent"
        again.wait_for_timeout(250)
    expect(again.get_by_role("region", name="Offline log")).to_have_count(0, timeout=20_000)
    expect(again.get_by_role("button", name=f"Undo set 2 of {first}")).to_be_visible(timeout=20_000)
    expect(again.get_by_label(f"Weight (kg) set 2 of {first}")).to_have_value("42.5")
    expect(again.get_by_text(re.compile(r"changes? waiting"))).to_have_count(0)
    sets, applied = _stored(app, username)
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


def _session_token(page: Page) -> str:
    raw = page.evaluate("window.localStorage.getItem('vigor_session')") or ""
    return raw.strip('"')


def test_a_set_changed_offline_and_on_another_device_keeps_the_later_change_and_says_so(page: Page, app):
    _start_plan_day(page, "twodevices")
    kept = _snapshot(page)
    lift = next(e for e in kept["entries"] if not e["timed"] and not e.get("distance") and len(e["sets"]) >= 2)
    name, (one, two) = lift["name"], [s["id"] for s in lift["sets"][:2]]
    other = httpx.Client(base_url=app.url + "/api/v1", headers={"Authorization": f"Bearer {_session_token(page)}"})

    page.context.set_offline(True)
    log = page.get_by_role("region", name="Offline log")
    expect(log).to_be_visible()
    # Set 2: the other device first, then this phone (this phone's change is the later one).
    assert other.put(f"/sets/{two}", json={"reps": 3, "weight_kg": 30}).status_code == 200
    time.sleep(0.05)
    _tick(log, name, 2, "8", "40")
    # Set 1: this phone first, then the other device (the other device's change is the later one).
    _tick(log, name, 1, "8", "40")
    time.sleep(0.05)
    assert other.put(f"/sets/{one}", json={"reps": 5, "weight_kg": 60}).status_code == 200
    expect(log.get_by_text("2 changes waiting")).to_be_visible()

    page.context.set_offline(False)
    panel = page.get_by_role("region", name="Offline log")
    expect(panel.get_by_role("status").filter(has_text="All changes sent")).to_be_visible(timeout=20_000)
    expect(panel.get_by_role("alert")).to_have_text(
        re.compile(rf"^{re.escape(name)}, set 1 was changed on another device at \d\d:\d\d(?: [AP]M)?, after your change "
                   r"here\. That later change was kept\.$"))
    expect(panel.get_by_role("status").filter(has_text="set 2 was also changed")).to_have_text(
        re.compile(rf"^{re.escape(name)}, set 2 was also changed on another device at \d\d:\d\d(?: [AP]M)?\. "
                   r"Your later change here was kept\.$"))
    assert_accessible(page, "the offline log telling of changes made on two devices")
    with sqlite3.connect(f"file:{app.database}?mode=ro", uri=True) as db:
        stored = dict(db.execute("SELECT id, reps || 'x' || weight_kg FROM workout_sets WHERE id IN (?, ?)",
                                 (one, two)).fetchall())
    assert stored == {one: "5x60.0", two: "8x40.0"}  # the later change of each set
    expect(panel.get_by_role("button", name=re.compile("^Done set"))).to_have_count(0)  # no stale copy to edit
    panel.get_by_role("button", name="OK, show my workout").click()  # read: the page shows the workout as stored
    expect(page.get_by_role("region", name="Offline log")).to_have_count(0, timeout=20_000)
    expect(page.get_by_label(f"Weight (kg) set 1 of {name}")).to_have_value("60")
    other.close()
