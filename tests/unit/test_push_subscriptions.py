"""The devices a member gets notifications on: what a browser hands over is checked, one row per
endpoint (an endpoint moves to whoever subscribed with it last), removed by its owner only."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.factories import make_user
from vigor_app.services.errors import ValidationError
from vigor_app.services.notifications import subscriptions

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _keys() -> dict[str, str]:
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint)
    return {"p256dh": _b64(point), "auth": _b64(os.urandom(16))}


def _subscription(endpoint: str = ENDPOINT, **keys) -> dict:
    return {"endpoint": endpoint, "expirationTime": None, "keys": {**_keys(), **keys}}


def test_a_browsers_subscription_is_stored_once_per_endpoint_and_listed_without_keys(database):
    me = make_user("alice").user.id
    first = subscriptions.subscribe(me, _subscription(), user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0")
    again = subscriptions.subscribe(me, _subscription(), user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0")
    assert first.id == again.id and again.device == "Chrome on Android"
    [device] = subscriptions.devices(me)
    assert device.id == first.id and not hasattr(device, "endpoint") and not hasattr(device, "p256dh")
    assert subscriptions.has_devices(me) and subscriptions.owns(me, ENDPOINT)
    other = subscriptions.subscribe(me, _subscription(ENDPOINT + "-laptop"), user_agent="Firefox/133.0 (Windows)")
    assert [d.id for d in subscriptions.devices(me)] == [other.id, first.id]


def test_an_endpoint_someone_else_had_moves_to_whoever_subscribed_last(database):
    alice, bob = make_user("alice").user.id, make_user("bob").user.id
    subscriptions.subscribe(alice, _subscription())
    subscriptions.subscribe(bob, _subscription())
    assert not subscriptions.has_devices(alice) and not subscriptions.owns(alice, ENDPOINT)
    assert subscriptions.owns(bob, ENDPOINT) and len(subscriptions.devices(bob)) == 1


def test_only_the_owner_removes_a_device(database):
    alice, bob = make_user("alice").user.id, make_user("bob").user.id
    device = subscriptions.subscribe(alice, _subscription())
    assert not subscriptions.unsubscribe(bob, ENDPOINT) and not subscriptions.remove(bob, device.id)
    assert subscriptions.has_devices(alice)
    assert subscriptions.unsubscribe(alice, ENDPOINT) and not subscriptions.has_devices(alice)
    device = subscriptions.subscribe(alice, _subscription())
    assert subscriptions.remove(alice, device.id) and subscriptions.devices(alice) == []
    assert not subscriptions.unsubscribe(alice, 42) and not subscriptions.unsubscribe(alice, "x" * 5000)


@pytest.mark.parametrize("endpoint", [
    "http://fcm.googleapis.com/fcm/send/abc",  # not https
    "https://127.0.0.1/push",  # an address, not a push service's name
    "https://[::1]/push",
    "https://10.0.0.7/push",
    "https://localhost/push",
    "https://intranet/push",  # no dot: a name on the local network
    "https://printer.local/push",
    "https://user:pw@push.example.com/x",
    "https://push.example.com:notaport/x",
    "https://push.example.com/a b",
    "https://push.example.com/\x00",
    "https://push.example.com/" + "a" * 1000,
    "https://push.exämple.com/x",
    "javascript:alert(1)",
    "",
    None,
    42,
    ["https://push.example.com/x"],
])
def test_an_endpoint_the_server_must_not_post_to_is_refused(database, endpoint):
    me = make_user("alice").user.id
    with pytest.raises(ValidationError) as refused:
        subscriptions.subscribe(me, _subscription(endpoint))
    assert refused.value.field == "subscription"
    assert not subscriptions.has_devices(me)


def test_loopback_http_only_where_the_setting_allows_it(database, vigor_env):
    me = make_user("alice").user.id
    with pytest.raises(ValidationError):
        subscriptions.subscribe(me, _subscription("http://127.0.0.1:8123/push/a"))
    vigor_env.setenv("PUSH_ALLOW_LOOPBACK", "true")
    from vigor_app.settings import reload_settings
    reload_settings()
    subscriptions.subscribe(me, _subscription("http://127.0.0.1:8123/push/a"))
    with pytest.raises(ValidationError):  # still not any http address
        subscriptions.subscribe(me, _subscription("http://10.0.0.1:8123/push/a"))
    assert len(subscriptions.devices(me)) == 1


@pytest.mark.parametrize("keys", [
    {"p256dh": _b64(b"\x04" + b"\x01" * 64)},  # 65 bytes, but not a point on P-256
    {"p256dh": _b64(os.urandom(33))},  # a compressed point's length
    {"p256dh": "not base64url!"},
    {"p256dh": ""},
    {"p256dh": None},
    {"auth": _b64(os.urandom(15))},
    {"auth": _b64(os.urandom(17))},
    {"auth": "a+b/" * 4},  # base64, not base64url
    {"auth": 12345},
])
def test_keys_of_the_wrong_kind_or_length_are_refused(database, keys):
    me = make_user("alice").user.id
    with pytest.raises(ValidationError):
        subscriptions.subscribe(me, _subscription(**keys))
    assert not subscriptions.has_devices(me)


@pytest.mark.parametrize("sent", [None, "x", [], {}, {"endpoint": ENDPOINT}, {"endpoint": ENDPOINT, "keys": "k"},
                                  {"endpoint": ENDPOINT, "keys": {}}])
def test_what_is_not_a_subscription_is_refused(database, sent):
    me = make_user("alice").user.id
    with pytest.raises(ValidationError):
        subscriptions.subscribe(me, sent)


def test_padded_keys_are_taken_and_stored_without_padding(database):
    me = make_user("alice").user.id
    keys = _keys()
    subscriptions.subscribe(me, _subscription(p256dh=keys["p256dh"] + "=", auth=keys["auth"] + "=="))
    from sqlmodel import select

    from vigor_app import db
    from vigor_app.models import PushSubscription
    with db.read_only() as session:
        row = session.exec(select(PushSubscription)).one()
    assert (row.p256dh, row.auth) == (keys["p256dh"], keys["auth"])


def test_device_labels():
    assert subscriptions.device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1") \
        == "Safari on iPhone"
    assert subscriptions.device_label("Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Edg/131.0") == "Edge on Windows"
    assert subscriptions.device_label(None) == "A browser"
    assert subscriptions.device_label("<script>") == "A browser"
