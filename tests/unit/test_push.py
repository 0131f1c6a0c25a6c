"""Sending a notification by Web Push, against a push service on 127.0.0.1 that checks the VAPID
signature and decrypts what arrives with the keys only the test's device holds
(tests/fakes/push_service.py)."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import threading

import pytest

from tests.factories import make_user
from tests.fakes.push_service import run_push_service
from vigor_app.services.notifications import push, subscriptions, vapid
from vigor_app.settings import VAPID_KEY_FILE, get_settings, reload_settings


@pytest.fixture
def service(database, vigor_env):
    vigor_env.setenv("PUSH_ALLOW_LOOPBACK", "true")
    vigor_env.setenv("PUSH_TIMEOUT_SECONDS", "1")
    reload_settings()
    with run_push_service(expected_key=vapid.public_key()) as running:
        yield running


def _member_with(service, *names: str) -> int:
    user_id = make_user("alice").user.id
    for name in names:
        subscriptions.subscribe(user_id, service.device(name).subscription)
    return user_id


def test_a_message_reaches_each_device_signed_and_encrypted(service):
    me = _member_with(service, "phone", "laptop")
    outcome = push.send_now(me, push.Message("Your coach", "Nice work this week.", "/coach", "coach"),
                            ttl=600, urgency="high")
    assert outcome == push.Outcome(delivered=2) and service.rejected == []
    for name in ("phone", "laptop"):
        assert service.received(name) == [{"title": "Your coach", "body": "Nice work this week.",
                                           "url": "/coach", "tag": "coach"}]
    delivery = service.deliveries[0]
    assert delivery.headers["ttl"] == "600" and delivery.headers["urgency"] == "high"
    assert delivery.claims["aud"] == service.origin and delivery.claims["sub"] == "mailto:webpush@localhost"
    assert all(d.last_used_at is not None for d in subscriptions.devices(me))


def test_text_is_cut_to_one_line_and_the_url_stays_on_this_site(service):
    me = _member_with(service, "phone")
    sent = [push.Message("T" * 100, "line one\nline\x07 two " + "b" * 400, "https://evil.example/x", "t" * 50),
            push.Message("", "", "//evil.example/x"), push.Message("a", "b", "/log\\@evil"),
            push.Message("Ünïcode ✓", "ok", "/workouts?x=1")]
    for message in sent:
        assert push.send_now(me, message).delivered == 1
    first, second, third, fourth = service.received("phone")
    assert len(first["title"]) == push.TITLE_MAX and first["title"].endswith("…")
    assert first["body"].startswith("line one line two ") and len(first["body"]) == push.BODY_MAX
    assert first["url"] == second["url"] == third["url"] == push.DEFAULT_URL
    assert len(first["tag"]) == push.TAG_MAX and second["title"] == "Vigor"
    assert fourth == {"title": "Ünïcode ✓", "body": "ok", "url": "/workouts?x=1", "tag": ""}


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_says_is_gone_is_removed(service, status):
    me = _member_with(service, "phone", "laptop")
    service.answer("phone", status)
    assert push.send_now(me, push.Message("Rest over", "Next set.")) == push.Outcome(delivered=1, removed=1)
    assert [d.device for d in subscriptions.devices(me)] == ["A browser"]
    assert len(subscriptions.devices(me)) == 1 and service.received("laptop") and not service.received("phone")


def test_a_failing_or_slow_push_service_keeps_the_device(service, caplog):
    me = _member_with(service, "phone", "laptop")
    service.answer("phone", 500)
    service.answer("laptop", None, delay=2.5)  # past PUSH_TIMEOUT_SECONDS
    with caplog.at_level(logging.INFO):
        assert push.send_now(me, push.Message("Rest over", "Next set.")) == push.Outcome(failed=2)
    assert len(subscriptions.devices(me)) == 2
    service.answer("phone", None)
    service.answer("laptop", None)
    assert push.send_now(me, push.Message("Rest over", "Next set.")).delivered == 2
    logged = caplog.text
    assert "/push/" not in logged  # the endpoint's path identifies the device: never logged
    assert get_settings().resolved_vapid_private_key(lambda: "") not in logged


def test_nothing_is_sent_and_no_key_is_made_for_a_member_without_devices(database, vigor_env):
    me = make_user("alice").user.id
    assert push.send_now(me, push.Message("Your coach", "Hello")) == push.Outcome()
    assert not (get_settings().data_dir / VAPID_KEY_FILE).exists()


def test_send_never_raises_and_does_not_hold_the_event_loop(service, monkeypatch):
    me = _member_with(service, "phone")
    service.answer("phone", None, delay=0.5)
    threads: list[str] = []

    async def meanwhile() -> tuple[push.Outcome, int]:
        ticks = 0
        task = asyncio.create_task(push.send(me, push.Message("Rest over", "Next set.")))
        while not task.done():
            ticks += 1
            await asyncio.sleep(0.02)
        return task.result(), ticks

    outcome, ticks = asyncio.run(meanwhile())
    assert outcome.delivered == 1 and ticks >= 10  # the loop ran on while the service answered

    def broken(*args, **kwargs):
        threads.append(threading.current_thread().name)
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(push, "_devices", broken)  # the failure injected, not the thing tested
    assert asyncio.run(push.send(me, push.Message("x", "y"))) == push.Outcome(failed=1)
    assert threads and threads[0] != threading.main_thread().name


def test_the_key_pair_is_made_once_kept_for_its_owner_only_and_given_out_public(database, vigor_env):
    key = vapid.public_key()
    path = get_settings().data_dir / VAPID_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "PRIVATE KEY" in path.read_text()
    vapid._loaded.clear()
    assert vapid.public_key() == key  # read back, not made again
    assert len(key) == 87 and "=" not in key  # 65 bytes in base64url: applicationServerKey
    assert path.read_text().strip() not in key


def test_vapid_private_key_and_subject_from_the_environment(database, vigor_env):
    from py_vapid import Vapid
    made = Vapid()
    made.generate_keys()
    raw = made.private_key.private_numbers().private_value.to_bytes(32, "big")
    import base64
    vigor_env.setenv("VAPID_PRIVATE_KEY", base64.urlsafe_b64encode(raw).rstrip(b"=").decode())
    vigor_env.setenv("VAPID_SUBJECT", "mailto:ops@example.com")
    vigor_env.setenv("PUSH_ALLOW_LOOPBACK", "true")
    reload_settings()
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    expected = base64.urlsafe_b64encode(made.public_key.public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint)).rstrip(b"=").decode()
    assert vapid.public_key() == expected
    assert not (get_settings().data_dir / VAPID_KEY_FILE).exists()
    with run_push_service(expected_key=expected) as service:
        me = _member_with(service, "phone")
        assert push.send_now(me, push.Message("a", "b")).delivered == 1
        assert service.deliveries[0].claims["sub"] == "mailto:ops@example.com"
