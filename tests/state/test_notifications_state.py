"""The Profile page's "Notifications on this device" card: what the browser answers becomes
what the card says; turning on stores the subscription for the person signed in (checked, and
pushed to afterwards), turning off and "Stop" forget it; nobody reads or removes another's."""

from __future__ import annotations

import json

from tests.factories import make_user
from tests.fakes.push_service import run_push_service
from tests.state.handler_world import push_subscription
from vigor_app.services.notifications import push, subscriptions, vapid
from vigor_app.settings import reload_settings
from vigor_app.state.notifications import NotificationsState as S

ENDPOINT = "https://push.example.com/send/phone-1"
CHROME = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0"


def _tab(browser, token: str):
    tab = browser()
    tab.state(S).session_token = token
    return tab


def _script(event) -> str:
    return str(event)


def test_loading_asks_the_browser_and_its_answer_is_what_the_card_says(browser):
    me = make_user("alice")
    tab = _tab(browser, me.token)
    state, event = tab.call(S, "load", path="/profile")
    assert state.device == "checking" and "vigorPush.status()" in _script(event)
    for answer, shown in (({"state": "unsupported"}, "unsupported"), ({"state": "blocked"}, "blocked"),
                          ({"state": "off"}, "off"), ({"state": "on", "endpoint": ENDPOINT}, "off"),
                          ({"state": "sideways"}, "unsupported"), ("nonsense", "unsupported")):
        state, _ = tab.call(S, "show_status", answer, path="/profile")
        assert state.device == shown, answer
    subscriptions.subscribe(me.user.id, push_subscription(ENDPOINT))
    state, _ = tab.call(S, "show_status", {"state": "on", "endpoint": ENDPOINT}, path="/profile")
    assert state.device == "on"


def test_turning_on_asks_with_the_servers_public_key_and_stores_the_subscription(browser):
    me = make_user("alice")
    tab = _tab(browser, me.token)
    tab.call(S, "load", path="/profile")
    state, event = tab.call(S, "turn_on", path="/profile")
    assert f"vigorPush.subscribe({json.dumps(vapid.public_key())})" in _script(event)
    state, _ = tab.call(S, "subscribed", {"state": "on", "subscription": push_subscription(ENDPOINT),
                                          "agent": CHROME}, path="/profile")
    assert state.device == "on" and state.problem == ""
    [row] = state.devices
    assert row["device"] == "Chrome on Android" and row["used"] == "not notified yet" and ENDPOINT not in str(row)
    assert subscriptions.owns(me.user.id, ENDPOINT)


def test_what_the_browser_could_not_do_is_said_and_nothing_is_stored(browser):
    me = make_user("alice")
    tab = _tab(browser, me.token)
    state, _ = tab.call(S, "subscribed", {"state": "blocked"}, path="/profile")
    assert state.device == "blocked"
    state, _ = tab.call(S, "subscribed", {"state": "failed", "error": "Registration failed - push service error\x00"},
                        path="/profile")
    assert state.device == "failed" and state.problem == "Registration failed - push service error"
    bad = push_subscription("http://push.example.com/x")  # not https: refused by the service
    state, _ = tab.call(S, "subscribed", {"state": "on", "subscription": bad}, path="/profile")
    assert state.device == "failed" and "not usable" in state.problem
    assert not subscriptions.has_devices(me.user.id)


def test_turning_off_and_stop_forget_only_the_callers_own_devices(browser):
    alice, bob = make_user("alice"), make_user("bob")
    mine = subscriptions.subscribe(alice.user.id, push_subscription(ENDPOINT))
    subscriptions.subscribe(alice.user.id, push_subscription(ENDPOINT + "-laptop"))
    bobs = _tab(browser, bob.token)
    bobs.call(S, "unsubscribed", {"state": "off", "endpoint": ENDPOINT}, path="/profile")
    state, _ = bobs.call(S, "remove_device", str(mine.id), path="/profile")
    assert state.devices == [] and len(subscriptions.devices(alice.user.id)) == 2
    tab = _tab(browser, alice.token)
    state, event = tab.call(S, "turn_off", path="/profile")
    assert "vigorPush.unsubscribe()" in _script(event)
    state, _ = tab.call(S, "unsubscribed", {"state": "off", "endpoint": ENDPOINT}, path="/profile")
    assert state.device == "off" and [d["device"] for d in state.devices] == ["A browser"]
    state, _ = tab.call(S, "remove_device", state.devices[0]["id"], path="/profile")
    assert state.devices == [] and not subscriptions.has_devices(alice.user.id)


def test_a_signed_out_tab_reads_and_writes_nothing(browser):
    tab = _tab(browser, "")
    state, event = tab.call(S, "load", path="/profile")
    assert event is None and state.devices == []
    _, event = tab.call(S, "turn_on", path="/profile")
    assert event is None
    tab.call(S, "subscribed", {"state": "on", "subscription": push_subscription(ENDPOINT)}, path="/profile")
    assert not subscriptions.owns(0, ENDPOINT)


def test_a_device_turned_on_from_the_card_gets_the_push(browser, vigor_env):
    """The subscription the card stores is the one the push reaches: decrypted at the test's
    push service with the keys only the device holds."""
    vigor_env.setenv("PUSH_ALLOW_LOOPBACK", "true")
    reload_settings()
    me = make_user("alice")
    tab = _tab(browser, me.token)
    with run_push_service(expected_key=vapid.public_key()) as service:
        phone = service.device("phone")
        tab.call(S, "subscribed", {"state": "on", "subscription": phone.subscription, "agent": CHROME},
                 path="/profile")
        assert push.send_now(me.user.id, push.Message("Your coach", "Hello")).delivered == 1
        assert service.received("phone") == [{"title": "Your coach", "body": "Hello", "url": "/dashboard",
                                               "tag": ""}]
        state, _ = tab.call(S, "load", path="/profile")
        assert state.devices[0]["used"].startswith("last notified ")


def test_a_vapid_key_that_is_not_a_key_is_said_not_raised(browser, vigor_env, caplog):
    vigor_env.setenv("VAPID_PRIVATE_KEY", "not-a-key")
    reload_settings()
    tab = _tab(browser, make_user("alice").token)
    state, event = tab.call(S, "turn_on", path="/profile")
    assert event is None and state.device == "failed" and "not set up" in state.problem
    assert "not-a-key" not in caplog.text
