"""A small but real OpenID Connect provider for tests, served by uvicorn on 127.0.0.1.

It speaks the authorization code flow with PKCE over real HTTP:

- ``GET /.well-known/openid-configuration``: the discovery document
- ``GET /jwks``: the public half of an RSA key generated at start
- ``GET|POST /authorize``: checks ``client_id`` and ``redirect_uri``, then approves the
  configured user at once (no login page) and answers ``302`` to ``redirect_uri`` with
  ``code`` and ``state``; a real browser follows it like any other redirect
- ``POST /token``: the ``authorization_code`` grant; a code is single-use, bound to its
  ``redirect_uri`` and client, and needs the PKCE ``code_verifier`` matching the S256
  challenge; the client authenticates with ``client_secret_basic`` or
  ``client_secret_post`` (whichever the provider was started with) or, for a public
  client, not at all; answers an RS256 ``id_token`` and an ``access_token``
- ``GET|POST /userinfo``: the user's claims for a bearer access token

Each test can make it misbehave (forged signature, wrong audience, expired token, ...)
through ``provider.misbehave(...)``; see ``Misbehaviour``.

In a test::

    with run_oidc_provider(redirect_uris=["http://127.0.0.1:3000/callback"]) as provider:
        provider.issuer, provider.client_id, provider.client_secret

From another process (prints one JSON line with issuer, client_id and client_secret, then
serves until SIGINT/SIGTERM)::

    python -m tests.fakes.oidc_provider --port 8765 --redirect-uri http://127.0.0.1:3000/callback
"""

from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import hmac
import json
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

CODE_LIFETIME_SECONDS = 60
ID_TOKEN_LIFETIME_SECONDS = 300
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
_PKCE_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_PKCE_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(frozen=True)
class FakeUser:
    """The person the provider signs in, without asking."""

    sub: str = "user-0001"
    email: str | None = "ada@example.test"
    email_verified: bool = True
    name: str | None = "Ada Lovelace"


@dataclass(frozen=True)
class Misbehaviour:
    """Ways the provider can be told to go wrong; the defaults are correct behaviour."""

    #: sign the ID token with a key that is not in the JWKS
    forge_signature: bool = False
    #: ``kid`` header of a forged token (default: the real key's kid, the nastier case)
    forged_kid: str | None = None
    #: "RS256" (correct); "none" (unsigned); "HS256" (HMAC keyed with the public key's PEM,
    #: the classic key-confusion attack)
    signing_alg: str = "RS256"
    #: ``aud`` claim instead of the client id (a string or a list)
    audience: str | list[str] | None = None
    #: ``azp`` claim, omitted unless set
    authorized_party: str | None = None
    #: ``iss`` claim instead of the issuer
    issuer_claim: str | None = None
    #: ``issuer`` in the discovery document instead of the real one
    discovery_issuer: str | None = None
    #: seconds from now to ``exp`` (negative for a token that has already expired)
    expires_in: int = ID_TOKEN_LIFETIME_SECONDS
    #: seconds added to ``iat``
    issued_at_offset: int = 0
    #: ``nonce`` claim instead of the one from the authorization request
    nonce: str | None = None
    #: leave the ``nonce`` claim out
    omit_nonce: bool = False
    #: redirect back with this ``error`` instead of a code (e.g. "access_denied")
    authorize_error: str | None = None
    #: answer the token request with this OAuth ``error`` ...
    token_error: str | None = None
    #: ... and this HTTP status
    token_error_status: int = 400


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    scope: str
    user: FakeUser
    expires_at: float
    auth_time: int


@dataclass
class FakeOidcProvider:
    """The provider's state; ``app`` is its Starlette application."""

    issuer: str
    client_id: str
    client_secret: str | None  # None: a public client (PKCE only)
    redirect_uris: set[str]
    token_endpoint_auth_method: str = "client_secret_basic"
    user: FakeUser = field(default_factory=FakeUser)
    behaviour: Misbehaviour = field(default_factory=Misbehaviour)
    #: requests served, by endpoint name ("discovery", "jwks", "authorize", "token", "userinfo")
    hits: collections.Counter[str] = field(default_factory=collections.Counter)
    #: how the client authenticated at the token endpoint, one entry per token request
    token_auth_methods: list[str] = field(default_factory=list)
    #: (error, error_description) of every refused token request, in order
    token_errors: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.token_endpoint_auth_method not in AUTH_METHODS:
            raise ValueError(f"token_endpoint_auth_method must be one of {AUTH_METHODS}")
        self._lock = threading.Lock()
        self._key = RSAKey.generate_key(
            2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True
        )
        self._forged_key: RSAKey | None = None
        self._codes: dict[str, _Grant] = {}
        self._used_codes: set[str] = set()
        self._access_tokens: dict[str, FakeUser] = {}
        self.app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery, methods=["GET"]),
                Route("/jwks", self._jwks, methods=["GET"]),
                Route("/authorize", self._authorize, methods=["GET", "POST"]),
                Route("/token", self._token, methods=["POST"]),
                Route("/userinfo", self._userinfo, methods=["GET", "POST"]),
            ]
        )

    # --- scripting -------------------------------------------------------------------

    def misbehave(self, **changes: Any) -> None:
        """Change behaviour, e.g. ``provider.misbehave(audience="someone-else")``."""
        self.behaviour = replace(self.behaviour, **changes)

    def reset(self) -> None:
        """Behave correctly again, sign in the default user and forget what was served.

        Keys stay, so one running provider can serve many tests (clear the client's key
        and discovery caches between tests too).
        """
        with self._lock:
            self.behaviour = Misbehaviour()
            self.user = FakeUser()
            self.hits.clear()
            self.token_auth_methods.clear()
            self.token_errors.clear()
            self._codes.clear()
            self._used_codes.clear()
            self._access_tokens.clear()

    def rotate_keys(self) -> str:
        """Replace the signing key (the old one leaves the JWKS); returns the new kid."""
        self._key = RSAKey.generate_key(
            2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True
        )
        return str(self._key.kid)

    @property
    def kid(self) -> str:
        return str(self._key.kid)

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    # --- endpoints -------------------------------------------------------------------

    async def _discovery(self, request: Request) -> Response:
        self.hits["discovery"] += 1
        return JSONResponse(
            {
                "issuer": self.behaviour.discovery_issuer or self.issuer,
                "authorization_endpoint": self.authorization_endpoint,
                "token_endpoint": self.token_endpoint,
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": (
                    [self.token_endpoint_auth_method] if self.client_secret else ["none"]
                ),
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": [
                    "iss",
                    "sub",
                    "aud",
                    "exp",
                    "iat",
                    "auth_time",
                    "nonce",
                    "email",
                    "email_verified",
                    "name",
                    "at_hash",
                ],
            }
        )

    async def _jwks(self, request: Request) -> Response:
        self.hits["jwks"] += 1
        return JSONResponse({"keys": [self._key.as_dict(private=False)]})

    async def _authorize(self, request: Request) -> Response:
        self.hits["authorize"] += 1
        if request.method == "POST":
            params = _form(await request.body())
        else:
            params = dict(request.query_params)

        # Until client and redirect URI are known good, errors go to the person, not back.
        client_id = params.get("client_id")
        redirect_uri = params.get("redirect_uri")
        if client_id != self.client_id:
            return PlainTextResponse("Unknown client_id.", status_code=400)
        if redirect_uri not in self.redirect_uris:
            return PlainTextResponse("redirect_uri is not registered.", status_code=400)

        state = params.get("state")

        def back(**answer: str) -> Response:
            if state is not None:
                answer["state"] = state
            return RedirectResponse(_with_query(redirect_uri, answer), 302, headers=_NO_STORE)

        behaviour = self.behaviour
        if behaviour.authorize_error:
            return back(error=behaviour.authorize_error, error_description="Scripted failure.")
        if params.get("response_type") != "code":
            return back(error="unsupported_response_type")
        scope = params.get("scope", "")
        if "openid" not in scope.split():
            return back(error="invalid_scope", error_description="The openid scope is required.")
        challenge = params.get("code_challenge", "")
        if params.get("code_challenge_method") != "S256" or not _PKCE_CHALLENGE.fullmatch(
            challenge
        ):
            return back(error="invalid_request", error_description="PKCE with S256 is required.")

        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _Grant(
                client_id=client_id,
                redirect_uri=redirect_uri,
                code_challenge=challenge,
                nonce=params.get("nonce"),
                scope=scope,
                user=self.user,
                expires_at=time.time() + CODE_LIFETIME_SECONDS,
                auth_time=int(time.time()),
            )
        return back(code=code)

    async def _token(self, request: Request) -> Response:
        self.hits["token"] += 1
        form = _form(await request.body())

        client_id, secret, method = _client_credentials(request, form)
        self.token_auth_methods.append(method)
        expected_method = self.token_endpoint_auth_method if self.client_secret else "none"
        if (
            client_id != self.client_id
            or method != expected_method
            or (
                self.client_secret is not None
                and not hmac.compare_digest((secret or "").encode(), self.client_secret.encode())
            )
        ):
            headers = (
                {"WWW-Authenticate": 'Basic realm="fake-oidc"'}
                if method == "client_secret_basic"
                else {}
            )
            return self._refuse("invalid_client", "Client authentication failed.", 401, headers)

        behaviour = self.behaviour
        if behaviour.token_error:
            return self._refuse(
                behaviour.token_error, "Scripted failure.", behaviour.token_error_status
            )
        if form.get("grant_type") != "authorization_code":
            return self._refuse("unsupported_grant_type", "Only authorization_code is supported.")

        code = form.get("code", "")
        with self._lock:
            grant = self._codes.pop(code, None)
            reused = code in self._used_codes
            self._used_codes.add(code)  # a code is spent by its first presentation
        if grant is None:
            why = "The code was already used." if reused else "Unknown code."
            return self._refuse("invalid_grant", why)
        if grant.expires_at < time.time():
            return self._refuse("invalid_grant", "The code has expired.")
        if grant.client_id != client_id:
            return self._refuse("invalid_grant", "The code was issued to another client.")
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._refuse("invalid_grant", "redirect_uri does not match.")
        verifier = form.get("code_verifier", "")
        if not _PKCE_VERIFIER.fullmatch(verifier) or not hmac.compare_digest(
            _s256(verifier).encode(), grant.code_challenge.encode()
        ):
            return self._refuse("invalid_grant", "PKCE verification failed.")

        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = grant.user
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": grant.scope,
                "id_token": self._id_token(grant, access_token),
            },
            headers=_NO_STORE,
        )

    def _refuse(
        self, error: str, description: str, status: int = 400, headers: dict[str, str] | None = None
    ) -> Response:
        self.token_errors.append((error, description))
        return JSONResponse(
            {"error": error, "error_description": description},
            status_code=status,
            headers={**_NO_STORE, **(headers or {})},
        )

    async def _userinfo(self, request: Request) -> Response:
        self.hits["userinfo"] += 1
        authorization = request.headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        user = self._access_tokens.get(token) if scheme.lower() == "bearer" else None
        if user is None:
            return Response(
                status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        return JSONResponse(_user_claims(user))

    # --- the ID token ----------------------------------------------------------------

    def _id_token(self, grant: _Grant, access_token: str) -> str:
        behaviour = self.behaviour
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": behaviour.issuer_claim or self.issuer,
            "sub": grant.user.sub,
            "aud": behaviour.audience if behaviour.audience is not None else self.client_id,
            "exp": now + behaviour.expires_in,
            "iat": now + behaviour.issued_at_offset,
            "auth_time": grant.auth_time,
            "at_hash": _half_hash(access_token),
            **_user_claims(grant.user),
        }
        if behaviour.authorized_party is not None:
            claims["azp"] = behaviour.authorized_party
        if not behaviour.omit_nonce:
            nonce = behaviour.nonce if behaviour.nonce is not None else grant.nonce
            if nonce is not None:
                claims["nonce"] = nonce

        if behaviour.signing_alg == "none":
            return _unsigned_jwt(claims)
        if behaviour.signing_alg == "HS256":
            public_pem = self._key.as_pem(private=False)
            return _hmac_jwt(claims, public_pem, kid=self.kid)
        if behaviour.forge_signature:
            if self._forged_key is None:
                self._forged_key = RSAKey.generate_key(2048)
            header = {"alg": "RS256", "kid": behaviour.forged_kid or self.kid}
            return jwt.encode(header, claims, self._forged_key, algorithms=["RS256"])
        return jwt.encode(
            {"alg": "RS256", "kid": self.kid}, claims, self._key, algorithms=["RS256"]
        )


# --- running it ---------------------------------------------------------------------------


@contextmanager
def run_oidc_provider(
    *,
    redirect_uris: Iterable[str],
    client_id: str = "vigor-test-client",
    client_secret: str | None = None,
    public_client: bool = False,
    token_endpoint_auth_method: str = "client_secret_basic",
    user: FakeUser | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[FakeOidcProvider]:
    """Serve a ``FakeOidcProvider`` from a background thread for the ``with`` block.

    ``port=0`` picks a free port; ``provider.issuer`` is ``http://127.0.0.1:<port>``. A
    confidential client gets a random secret unless ``client_secret`` is given;
    ``public_client=True`` registers a client without a secret.
    """
    sock = _listening_socket(host, port)
    provider = _provider_for(
        sock,
        host,
        redirect_uris=redirect_uris,
        client_id=client_id,
        client_secret=client_secret,
        public_client=public_client,
        token_endpoint_auth_method=token_endpoint_auth_method,
        user=user,
    )
    server = uvicorn.Server(
        uvicorn.Config(provider.app, lifespan="off", log_level="warning", access_log=False)
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="fake-oidc-provider", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake OIDC provider did not start")
            time.sleep(0.005)
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def _listening_socket(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP and TCP_NODELAY: otherwise asyncio leaves Nagle on for accepted
    # connections, and every keep-alive request waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def _provider_for(
    sock: socket.socket,
    host: str,
    *,
    redirect_uris: Iterable[str],
    client_id: str,
    client_secret: str | None,
    public_client: bool,
    token_endpoint_auth_method: str,
    user: FakeUser | None,
) -> FakeOidcProvider:
    if public_client:
        secret = None
    else:
        secret = client_secret if client_secret is not None else secrets.token_urlsafe(24)
    return FakeOidcProvider(
        issuer=f"http://{host}:{sock.getsockname()[1]}",
        client_id=client_id,
        client_secret=secret,
        redirect_uris=set(redirect_uris),
        token_endpoint_auth_method=token_endpoint_auth_method,
        user=user or FakeUser(),
    )


def main(argv: list[str] | None = None) -> None:
    """Serve the provider in the foreground (for a browser test in another process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
    parser.add_argument("--client-id", default="vigor-test-client")
    parser.add_argument("--client-secret", default=None, help="random unless given")
    parser.add_argument("--public-client", action="store_true")
    parser.add_argument("--auth-method", choices=AUTH_METHODS, default="client_secret_basic")
    parser.add_argument("--sub", default=FakeUser.sub)
    parser.add_argument("--email", default=FakeUser.email)
    parser.add_argument("--name", default=FakeUser.name)
    args = parser.parse_args(argv)

    sock = _listening_socket(args.host, args.port)
    provider = _provider_for(
        sock,
        args.host,
        redirect_uris=args.redirect_uris,
        client_id=args.client_id,
        client_secret=args.client_secret,
        public_client=args.public_client,
        token_endpoint_auth_method=args.auth_method,
        user=FakeUser(sub=args.sub, email=args.email, name=args.name),
    )
    print(  # the parent process reads this line
        json.dumps(
            {
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
            }
        ),
        flush=True,
    )
    server = uvicorn.Server(
        uvicorn.Config(provider.app, lifespan="off", log_level="warning", access_log=False)
    )
    server.run(sockets=[sock])


# --- small pieces -------------------------------------------------------------------------


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _client_credentials(
    request: Request, form: dict[str, str]
) -> tuple[str | None, str | None, str]:
    """(client_id, secret, method) as presented by the client."""
    authorization = request.headers.get("authorization", "")
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(encoded, validate=True).decode()
        except ValueError:
            return None, None, "client_secret_basic"
        user, _, password = pair.partition(":")
        return unquote_plus(user), unquote_plus(password), "client_secret_basic"
    if "client_secret" in form:
        return form.get("client_id"), form["client_secret"], "client_secret_post"
    return form.get("client_id"), None, "none"


def _user_claims(user: FakeUser) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": user.sub}
    if user.email is not None:
        claims["email"] = user.email
        claims["email_verified"] = user.email_verified
    if user.name is not None:
        claims["name"] = user.name
    return claims


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _s256(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _half_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return _b64url(digest[:16])


def _json_segment(value: dict[str, Any]) -> str:
    return _b64url(json.dumps(value, separators=(",", ":")).encode())


def _unsigned_jwt(claims: dict[str, Any]) -> str:
    return f"{_json_segment({'alg': 'none', 'typ': 'JWT'})}.{_json_segment(claims)}."


def _hmac_jwt(claims: dict[str, Any], secret: bytes, *, kid: str) -> str:
    signing_input = (
        f"{_json_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_json_segment(claims)}"
    )
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


if __name__ == "__main__":
    main()
