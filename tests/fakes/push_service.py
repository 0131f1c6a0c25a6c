"""A Web Push service for tests, on 127.0.0.1: it takes the real POST pywebpush makes, checks
its VAPID signature and decrypts its body, as a browser's push service and the browser would.

A test makes a device the way a browser does (`service.device("phone")`: a P-256 key pair and
an auth secret of its own, and an endpoint ``http://127.0.0.1:<port>/push/phone``), hands its
`subscription` to Vigor, and reads what arrived::

    with run_push_service() as service:
        phone = service.device("phone")
        subscriptions.subscribe(user_id, phone.subscription)
        ...
        [message] = service.received("phone")   # the decrypted payload, as JSON

`service.answer("phone", 410)` makes the service answer 410 Gone for that device (500, 404
likewise; `service.answer("phone", None, delay=3)` answers late). Every request is checked:
``Authorization: vapid t=<JWT>,k=<key>`` whose key is `expected_key` (when set) and whose JWT
is signed by it (ES256), with `aud` this service's origin, an `exp` within 24 hours and a
`sub`; ``Content-Encoding: aes128gcm``, a TTL and an Urgency header. A request that fails a
check is answered 400 and recorded in `rejected`, with why.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's side of a subscription: the keys only the device holds."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def subscription(self) -> dict:
        """What `PushSubscription.toJSON()` gives a page."""
        public = self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}


@dataclass
class Delivery:
    device: str
    payload: dict
    headers: dict[str, str]  # names in lower case
    claims: dict


@dataclass
class PushService:
    origin: str = ""
    expected_key: str | None = None  # the app's VAPID public key (base64url), when the test knows it
    devices: dict[str, Device] = field(default_factory=dict)
    answers: dict[str, tuple[int | None, float]] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    attempts: list[tuple[str, int]] = field(default_factory=list)  # (device, status answered)
    rejected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def device(self, name: str) -> Device:
        made = Device(name, f"{self.origin}/push/{name}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
        self.devices[name] = made
        return made

    def answer(self, name: str, status: int | None, *, delay: float = 0.0) -> None:
        """What the service answers for `name` from now on (None: 201 after `delay`)."""
        self.answers[name] = (status, delay)

    def received(self, name: str) -> list[dict]:
        with self.lock:
            return [d.payload for d in self.deliveries if d.device == name]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Delivery]:
        """Wait until `count` messages were delivered (decrypted); all of them."""
        end = time.monotonic() + timeout
        with self.arrived:
            while len(self.deliveries) < count and time.monotonic() < end:
                self.arrived.wait(max(0.0, end - time.monotonic()))
            return list(self.deliveries)

    # -- checks ---------------------------------------------------------------------------

    def check_vapid(self, authorization: str) -> dict:
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"Authorization scheme {scheme!r}, not vapid")
        parts = dict(p.strip().split("=", 1) for p in rest.split(","))
        key, token = parts["k"], parts["t"]
        if self.expected_key is not None and key != self.expected_key:
            raise ValueError("signed with another key than the app's")
        head, body, signature = token.split(".")
        raw = unb64url(signature)
        if len(raw) != 64:
            raise ValueError("an ES256 signature is 64 bytes")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise ValueError("the JWT's signature does not verify") from None
        if json.loads(unb64url(head)).get("alg") != "ES256":
            raise ValueError("alg is not ES256")
        claims = json.loads(unb64url(body))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        if not time.time() < int(claims["exp"]) <= time.time() + 24 * 3600:
            raise ValueError("exp is not within 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:", "http:")):
            raise ValueError("no sub")
        return claims


def _handler(service: PushService):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _reply(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            name = self.path.removeprefix("/push/")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, delay = service.answers.get(name, (None, 0.0))
            if delay:
                time.sleep(delay)
            device = service.devices.get(name)
            try:
                if device is None:
                    raise ValueError(f"no device {name!r}")
                claims = service.check_vapid(self.headers.get("Authorization", ""))
                if self.headers.get("Content-Encoding") != "aes128gcm":
                    raise ValueError("Content-Encoding is not aes128gcm")
                if not (self.headers.get("TTL") or "").isdigit() or not self.headers.get("Urgency"):
                    raise ValueError("no TTL or Urgency")
                plain = http_ece.decrypt(body, private_key=device.private_key, auth_secret=device.auth,
                                         version="aes128gcm")
                payload = json.loads(plain)
            except Exception as exc:  # noqa: BLE001 - a bad request is recorded and refused
                with service.lock:
                    service.rejected.append(f"{name}: {exc}")
                    service.attempts.append((name, 400))
                self._reply(400)
                return
            answered = status or 201
            with service.lock:
                service.attempts.append((name, answered))
            if answered in (200, 201, 202):
                with service.arrived:
                    service.deliveries.append(Delivery(name, payload, {k.lower(): v for k, v in self.headers.items()}, claims))
                    service.arrived.notify_all()
            self._reply(answered)

    return Handler


@contextmanager
def run_push_service(expected_key: str | None = None) -> Iterator[PushService]:
    service = PushService(expected_key=expected_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    service.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
