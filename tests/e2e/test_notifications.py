"""Notifications on this device, in Chromium: the Profile card's states, the subscription the
card hands the server reaching the test's push service at the end of a rest (sent by the app,
signed with its key, decrypted here), and the service worker showing what a push carries.

Headless Chromium has no push service: `pushManager.subscribe()` fails there even with the
permission granted. One test shows the card saying so. The journey test replaces only that
call (and `getSubscription`) in the page with a subscription whose keys the test made and whose
endpoint is the test's push service; the card, assets/push.js, the handlers, the stored row, the
rest timer and the sending are the app's own. The worker's `push` handler runs for real: Chromium's
DevTools protocol delivers a message to it (`ServiceWorker.deliverPushMessage`, the payload as
the browser would have decrypted it). Not covered in a browser: `notificationclick` (nothing
can click a notification in headless Chromium) and a real browser push service.
"""

from __future__ import annotations

import json
import re
import sqlite3

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from playwright.sync_api import Page, expect
from py_vapid import Vapid

from tests.e2e.journeys import register
from tests.e2e.test_logging import MAX_REST_CLICKS, _seconds_left, _start_day_one
from tests.fakes.push_service import b64url, run_push_service
from vigor_app.settings import VAPID_KEY_FILE

CONTROLLED = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"
NOTIFICATIONS = ("navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((shown) => shown.map("
                 "(n) => ({title: n.title, body: n.body, tag: n.tag, icon: n.icon, url: n.data && n.data.url})))")
# In place of the browser's push service, which headless Chromium cannot reach: a subscription
# whose endpoint and keys the test made. Everything else in assets/push.js runs as it is.
FAKE_SUBSCRIPTION = """
(() => {
  const made = %s;
  const KEPT = "vigor-test-subscription";  // kept through reloads, as a browser keeps its own
  const asSubscription = (key) => ({
    endpoint: made.endpoint,
    options: {applicationServerKey: key},
    toJSON: () => made,
    unsubscribe: () => { localStorage.removeItem(KEPT); return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function (options) {
    localStorage.setItem(KEPT, "1");
    return Promise.resolve(asSubscription(options.applicationServerKey));
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(localStorage.getItem(KEPT) ? asSubscription(null) : null);
  };
})();
"""

def _status(page: Page):
    return page.locator("#push-status")


def _worker_id(page: Page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    found: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: found.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(300)
    [registration] = [r for r in found if not r["isDeleted"]]
    return cdp, registration["registrationId"]


def _deliver(cdp, registration: str, origin: str, payload: dict) -> None:
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": origin, "registrationId": registration, "data": json.dumps(payload)})


def test_headless_chromium_cannot_subscribe_and_the_card_says_so(page: Page):
    register(page, "nopush")
    page.goto("/profile")
    page.wait_for_function(CONTROLLED, timeout=20_000)
    expect(_status(page)).to_have_text("Off on this device.")
    # Asked, headless Chromium answers "denied" for the person: the card says they blocked them.
    page.get_by_role("button", name="Turn on notifications").click()
    expect(_status(page)).to_contain_text("You blocked notifications for Vigor in this browser.")
    expect(page.get_by_role("button", name="Turn on notifications")).to_have_count(0)
    # Allowed, it still cannot subscribe without a push service: said plainly, with its words.
    page.context.grant_permissions(["notifications"])
    page.reload()
    expect(_status(page)).to_have_text("Off on this device.")
    page.get_by_role("button", name="Turn on notifications").click()
    expect(_status(page)).to_contain_text("This browser could not turn notifications on.")
    expect(_status(page)).to_contain_text("The browser said: Registration failed")
    # A browser without Web Push at all.
    page.context.add_init_script("delete window.PushManager;")
    page.reload()
    expect(_status(page)).to_contain_text("This browser can't show Vigor's notifications.")
    expect(page.get_by_role("button", name="Turn on notifications")).to_have_count(0)


def test_a_device_turned_on_from_profile_hears_the_end_of_a_rest(page: Page, app):
    with run_push_service() as service:
        phone = service.device("phone")
        page.context.grant_permissions(["notifications"])
        page.context.add_init_script(FAKE_SUBSCRIPTION % json.dumps(phone.subscription))
        register(page, "pushrunner")
        page.goto("/profile")
        page.wait_for_function(CONTROLLED, timeout=20_000)
        page.get_by_role("button", name="Turn on notifications").click()
        expect(_status(page)).to_have_text("On: this device gets your notifications.")
        expect(page.get_by_text("Chrome on Linux")).to_be_visible()
        page.reload()  # the browser's subscription is this member's: still on
        expect(_status(page)).to_have_text("On: this device gets your notifications.")
        # Whatever arrives must be signed with the app's own key (made in its data directory).
        pem = (app.database.parent / VAPID_KEY_FILE).read_bytes()
        service.expected_key = b64url(Vapid.from_pem(pem).public_key.public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint))

        # A rest runs out on the log page: the app pushes "Rest over" to the device.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Workouts").click()
        page.get_by_role("button", name="Generate plan").click()
        expect(page.get_by_role("heading", name=re.compile(r"^Day 1"))).to_be_visible()
        exercise = _start_day_one(page)
        page.get_by_role("button", name=f"Done set 1 of {exercise}").click()
        timer = page.get_by_role("timer")
        expect(timer).to_have_text(re.compile(r"^Rest \d+ s$"))
        shorter = page.get_by_role("button", name="−15 s")
        for _ in range(MAX_REST_CLICKS):
            if _seconds_left(timer) <= 20:
                break
            before = _seconds_left(timer)
            shorter.click()
            expect(timer).not_to_have_text(f"Rest {before} s")
        page.wait_for_function("window.vigorRestAlerts === 1", timeout=30_000)
        [delivery] = service.wait_for(1, timeout=15)
        assert service.rejected == []
        assert delivery.payload == {"title": "Rest over", "body": "Time for your next set.", "url": "/log",
                                    "tag": "rest"}
        assert delivery.headers["urgency"] == "high"

        # The service worker, given that message while the log page is in sight, shows nothing
        # (the page beeped); a coach message it shows, with Vigor's icon and the page to open.
        cdp, registration = _worker_id(page)
        _deliver(cdp, registration, app.url, delivery.payload)
        _deliver(cdp, registration, app.url, {"title": "Your coach", "body": "Squat day.", "url": "/coach",
                                              "tag": "coach"})
        page.wait_for_function("navigator.serviceWorker.ready.then((r) => r.getNotifications())"
                               ".then((shown) => shown.length > 0)")
        page.wait_for_timeout(500)
        assert page.evaluate(NOTIFICATIONS) == [{"title": "Your coach", "body": "Squat day.", "tag": "coach",
                                                 "icon": f"{app.url}/icons/vigor-192.png", "url": "/coach"}]
        # With no Vigor window in sight, the end of a rest is shown; a url off the site is not kept.
        elsewhere = page.context.new_page()
        page.close()
        cdp, registration = _worker_id(elsewhere)
        _deliver(cdp, registration, app.url, {**delivery.payload, "url": "https://evil.example/"})
        elsewhere.goto(app.url + "/profile")
        elsewhere.wait_for_function(NOTIFICATIONS.replace("shown.map(", "shown.length > 1 && shown.map("))
        shown = {n["tag"]: n for n in elsewhere.evaluate(NOTIFICATIONS)}
        assert shown["rest"]["title"] == "Rest over" and shown["rest"]["url"] == "/dashboard"

        # Turned off: the browser's subscription and the server's row both go.
        elsewhere.get_by_role("button", name="Turn off on this device").click()
        expect(_status(elsewhere)).to_have_text("Off on this device.")
        expect(elsewhere.get_by_text("Chrome on Linux")).to_have_count(0)
        with sqlite3.connect(app.database) as database:
            assert database.execute("SELECT count(*) FROM push_subscriptions").fetchone() == (0,)
