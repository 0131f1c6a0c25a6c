"""The devices a member gets notifications on: a browser's push subscription checked (its
endpoint and keys), stored once per endpoint, listed, removed.

**Checked.** What a browser hands over is untrusted: the endpoint is an https address of a
named host (no address literal, no `localhost`, at most `ENDPOINT_MAX` characters: the server
posts to it), or `http://127.0.0.1` where PUSH_ALLOW_LOOPBACK allows it (the tests' push
service); `p256dh` is base64url of a point on P-256 (65 bytes), `auth` of 16 bytes.

**One row per endpoint.** Subscribing again is the same row (keys and label refreshed); an
endpoint someone else had (another person signed in on this browser since) moves to the caller,
so a device notifies the one person signed in on it last.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models.push import ENDPOINT_MAX, PushSubscription
from vigor_app.services.errors import ValidationError
from vigor_app.settings import get_settings

FIELD = "subscription"
REFUSED = "This browser's notification details were not usable. Turn notifications off and on again."
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Device:
    """A device as its owner sees it: no endpoint and no keys."""

    id: int
    device: str
    created_at: datetime
    last_used_at: datetime | None


def _decoded(value: object, length: int) -> str:
    if not isinstance(value, str) or len(value) > 200 or not _BASE64URL.fullmatch(value):
        raise ValidationError(REFUSED, field=FIELD)
    bare = value.rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError(REFUSED, field=FIELD) from None
    if len(raw) != length:
        raise ValidationError(REFUSED, field=FIELD)
    return bare


def _loopback_allowed(parts) -> bool:
    return get_settings().push_allow_loopback and parts.scheme == "http" and parts.hostname == "127.0.0.1"


def check_endpoint(endpoint: object) -> str:
    """The endpoint, or ValidationError when the server must not post to it (module doc)."""
    if not isinstance(endpoint, str) or not 0 < len(endpoint) <= ENDPOINT_MAX or not endpoint.isascii():
        raise ValidationError(REFUSED, field=FIELD)
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in endpoint):
        raise ValidationError(REFUSED, field=FIELD)
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise ValidationError(REFUSED, field=FIELD) from None
    if _loopback_allowed(parts):
        return endpoint
    if parts.scheme != "https" or not host or parts.username or parts.password or parts.fragment:
        raise ValidationError(REFUSED, field=FIELD)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise ValidationError(REFUSED, field=FIELD)  # an address, not a push service's name
    if "." not in host.strip(".") or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise ValidationError(REFUSED, field=FIELD)
    return endpoint


def check(subscription: object) -> Subscription:
    """A browser's `PushSubscription.toJSON()` checked (module doc), or ValidationError."""
    if not isinstance(subscription, dict) or not isinstance(subscription.get("keys"), dict):
        raise ValidationError(REFUSED, field=FIELD)
    keys = subscription["keys"]
    p256dh, auth = _decoded(keys.get("p256dh"), 65), _decoded(keys.get("auth"), 16)
    try:
        point = base64.urlsafe_b64decode(p256dh + "=" * (-len(p256dh) % 4))
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise ValidationError(REFUSED, field=FIELD) from None
    return Subscription(check_endpoint(subscription.get("endpoint")), p256dh, auth)


def device_label(user_agent: object) -> str:
    """"Chrome on Android" from a browser's user agent (what the member tells devices apart by)."""
    agent = user_agent if isinstance(user_agent, str) else ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "A browser")
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    return f"{browser} on {system}" if system else browser


def _view(row: PushSubscription) -> Device:
    return Device(id=row.id or 0, device=row.device, created_at=row.created_at, last_used_at=row.last_used_at)


def subscribe(user_id: int, subscription: object, *, user_agent: object = "",
              now: datetime | None = None) -> Device:
    """Store the caller's device (checked first); the same endpoint again is the same row, and
    an endpoint another person had becomes the caller's."""
    checked = check(subscription)
    label = device_label(user_agent)
    for attempt in range(2):  # a racing insert of the same endpoint: the second time, it is there
        try:
            with db.transaction() as session:
                row = session.exec(select(PushSubscription)
                                   .where(PushSubscription.endpoint == checked.endpoint)).first()
                if row is None:
                    row = PushSubscription(user_id=user_id, endpoint=checked.endpoint, p256dh=checked.p256dh,
                                           auth=checked.auth, device=label, created_at=now or utcnow())
                else:
                    if row.user_id != user_id:
                        row.user_id, row.created_at, row.last_used_at = user_id, now or utcnow(), None
                    row.p256dh, row.auth, row.device = checked.p256dh, checked.auth, label
                session.add(row)
                session.flush()
                return _view(row)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def unsubscribe(user_id: int, endpoint: object) -> bool:
    """Forget the caller's device with this endpoint; False when they had none such."""
    if not isinstance(endpoint, str) or len(endpoint) > ENDPOINT_MAX:
        return False
    with db.transaction() as session:
        gone = session.execute(delete(PushSubscription).where(
            col(PushSubscription.user_id) == user_id, col(PushSubscription.endpoint) == endpoint))
    return bool(getattr(gone, "rowcount", 0))


def remove(user_id: int, device_id: int) -> bool:
    """Forget one of the caller's devices by its id (the Profile page's list)."""
    with db.transaction() as session:
        gone = session.execute(delete(PushSubscription).where(
            col(PushSubscription.user_id) == user_id, col(PushSubscription.id) == device_id))
    return bool(getattr(gone, "rowcount", 0))


def devices(user_id: int) -> list[Device]:
    """The caller's devices, the newest first."""
    with db.read_only() as session:
        rows = session.exec(select(PushSubscription).where(PushSubscription.user_id == user_id)
                            .order_by(col(PushSubscription.created_at).desc(),
                                      col(PushSubscription.id).desc())).all()
    return [_view(r) for r in rows]


def has_devices(user_id: int) -> bool:
    with db.read_only() as session:
        return session.exec(select(PushSubscription.id)
                            .where(PushSubscription.user_id == user_id).limit(1)).first() is not None


def owns(user_id: int, endpoint: object) -> bool:
    """Whether this endpoint is the caller's device (the page asks: is this browser on?)."""
    if not isinstance(endpoint, str) or len(endpoint) > ENDPOINT_MAX:
        return False
    with db.read_only() as session:
        return session.exec(select(PushSubscription.id).where(
            PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint)).first() is not None
