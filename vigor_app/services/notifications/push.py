"""Sending a notification to a member's devices by Web Push (RFC 8030, 8291, 8292).

`send(user_id, message)` encrypts `message` (JSON: title, body, url, tag) to each of the
member's devices (aes128gcm, with pywebpush) and posts it, signed with the VAPID key, to the
device's push service. It runs in a thread (never on the event loop) and never raises: a
notification is a nicety, never a reason for the work that made it to fail.

What the push service answers decides what happens to the device:

- 201 (or 200, 202): delivered to the service; `last_used_at` is set;
- 404 or 410: the subscription is gone (the browser dropped it, the member revoked the
  permission): the row is deleted;
- anything else, a timeout, a refused connection: kept for the next push, and logged without
  the endpoint's path (which identifies the device) or any key.

Nothing is sent, and no key is read, for a member without devices.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import requests
from pywebpush import WebPusher
from sqlalchemy import delete, update
from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models.push import PushSubscription
from vigor_app.services.notifications import vapid
from vigor_app.services.text_rules import has_control_characters
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

TITLE_MAX = 60
BODY_MAX = 240
TAG_MAX = 32
URL_MAX = 200
DEFAULT_URL = "/dashboard"
DEFAULT_TTL = 24 * 3600  # seconds a push service keeps a message for a device that is off
URGENCIES = ("very-low", "low", "normal", "high")
DELIVERED = {200, 201, 202}
GONE = {404, 410}
VAPID_LIFETIME = 12 * 3600  # the JWT's `exp`: at most 24 hours (RFC 8292)


def _cut(text: object, limit: int) -> str:
    """Text fit for a notification: one line, control characters out, at most `limit`."""
    words = " ".join(str(text or "").split())
    if has_control_characters(words, multiline=False):
        words = "".join(c for c in words if not has_control_characters(c, multiline=False))
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _same_origin_path(url: object) -> str:
    """A path on this site ("/coach"), else the dashboard: a notification opens Vigor only."""
    text = url if isinstance(url, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text or len(text) > URL_MAX:
        return DEFAULT_URL
    if has_control_characters(text, multiline=False) or urlsplit(text).netloc:
        return DEFAULT_URL
    return text


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str = DEFAULT_URL
    tag: str = ""  # a newer notification with the same tag replaces the older one

    def payload(self) -> bytes:
        return json.dumps({"title": _cut(self.title, TITLE_MAX) or "Vigor", "body": _cut(self.body, BODY_MAX),
                           "url": _same_origin_path(self.url), "tag": _cut(self.tag, TAG_MAX)},
                          ensure_ascii=False).encode()


@dataclass(frozen=True)
class Outcome:
    delivered: int = 0  # devices whose push service took the message
    removed: int = 0  # devices the service said were gone: deleted
    failed: int = 0  # devices that could not be reached this time: kept


def _devices(user_id: int) -> list[PushSubscription]:
    with db.read_only() as session:
        return list(session.exec(select(PushSubscription).where(PushSubscription.user_id == user_id)).all())


def _audience(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def _post(row: PushSubscription, payload: bytes, headers: dict[str, str], ttl: int,
          http: requests.Session) -> int:
    """Encrypt to the device and post; the push service's status."""
    info = {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}}
    answer = WebPusher(info, requests_session=http).send(
        payload, headers=headers, ttl=ttl, content_encoding="aes128gcm",
        timeout=get_settings().push_timeout_seconds)
    if isinstance(answer, str):  # only with curl=True, which is never asked
        raise TypeError("pywebpush answered text")
    return answer.status_code


def _settle(row: PushSubscription, status: int, now: datetime) -> None:
    with db.transaction() as session:
        same = (col(PushSubscription.id) == row.id, col(PushSubscription.endpoint) == row.endpoint,
                col(PushSubscription.user_id) == row.user_id)
        if status in GONE:
            session.execute(delete(PushSubscription).where(*same))
        else:
            session.execute(update(PushSubscription).where(*same).values(last_used_at=now))


def send_now(user_id: int, message: Message, *, ttl: int = DEFAULT_TTL, urgency: str = "normal",
             now: datetime | None = None) -> Outcome:
    """Push `message` to every device of the member, one after the other (this thread waits);
    never raises. See the module doc for what each answer does."""
    try:
        rows = _devices(user_id)
        if not rows:
            return Outcome()
        payload = message.payload()
        signer, subject = vapid.signer(), vapid.subject()
    except Exception:  # noqa: BLE001 - a notification never fails the caller
        log.exception("Push to user %s: could not prepare it", user_id)
        return Outcome(failed=1)
    urgency = urgency if urgency in URGENCIES else "normal"
    expires = int(time.time()) + VAPID_LIFETIME  # the real clock: push services check it
    signed: dict[str, dict[str, str]] = {}
    delivered = removed = failed = 0
    with requests.Session() as http:
        http.max_redirects = 0  # a push service answers; it does not send the server elsewhere
        for row in rows:
            host = urlsplit(row.endpoint).hostname
            try:
                audience = _audience(row.endpoint)
                if audience not in signed:
                    signed[audience] = signer.sign({"aud": audience, "exp": expires, "sub": subject})
                status = _post(row, payload, {**signed[audience], "Urgency": urgency}, ttl, http)
                if status in DELIVERED or status in GONE:
                    _settle(row, status, now or utcnow())
            except Exception as exc:  # noqa: BLE001 - one device's failure never stops the others
                log.warning("Push to user %s's device #%s at %s failed: %s", user_id, row.id, host,
                            type(exc).__name__)
                failed += 1
                continue
            if status in DELIVERED:
                delivered += 1
            elif status in GONE:
                removed += 1
                log.info("Push: user %s's device #%s at %s is gone (%s): removed", user_id, row.id, host, status)
            else:
                failed += 1
                log.warning("Push to user %s's device #%s at %s: the service answered %s; kept",
                            user_id, row.id, host, status)
    return Outcome(delivered=delivered, removed=removed, failed=failed)


async def send(user_id: int, message: Message, *, ttl: int = DEFAULT_TTL, urgency: str = "normal",
               now: datetime | None = None) -> Outcome:
    """`send_now` in a thread: the event loop goes on while the push services answer."""
    try:
        return await asyncio.to_thread(send_now, user_id, message, ttl=ttl, urgency=urgency, now=now)
    except Exception:  # noqa: BLE001 - not even a thread that could not start fails the caller
        log.exception("Push to user %s: could not start", user_id)
        return Outcome(failed=1)
