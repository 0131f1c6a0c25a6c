"""OpenID Connect sign-in over real HTTP against the fake provider on 127.0.0.1."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import logging
import secrets
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest

from tests.fakes.oidc_provider import FakeOidcProvider, FakeUser, run_oidc_provider
from vigor_app.services.accounts import oidc
from vigor_app.services.accounts.oidc import (
    OidcClientConfig,
    OidcError,
    PendingLogin,
    VerifiedIdentity,
    begin_login,
    complete_login,
    fetch_metadata,
)

REDIRECT_URI = "http://127.0.0.1:9/auth/oidc/callback"  # never followed by these tests
CLIENT_ID = "vigor-test-client"


@pytest.fixture(scope="module")
def oidc_provider_server() -> Iterator[FakeOidcProvider]:
    """One running provider for the module; a confidential client (client_secret_basic)."""
    with run_oidc_provider(redirect_uris=[REDIRECT_URI], client_id=CLIENT_ID) as provider:
        yield provider


@pytest.fixture
def oidc_provider(oidc_provider_server: FakeOidcProvider) -> Iterator[FakeOidcProvider]:
    """The module's provider, behaving correctly, with the client's caches empty."""
    oidc_provider_server.reset()
    oidc.clear_caches()
    yield oidc_provider_server
    oidc.clear_caches()


@pytest.fixture
async def oidc_http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        yield client


def config_for(provider: FakeOidcProvider, **changes: Any) -> OidcClientConfig:
    config = OidcClientConfig(
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        redirect_uri=REDIRECT_URI,
        display_name="Test ID",
    )
    return dataclasses.replace(config, **changes)


async def authorize(http: httpx.AsyncClient, pending: PendingLogin) -> dict[str, str]:
    """Do what the browser does: GET the authorization URL, read the redirect back."""
    response = await http.get(pending.authorization_url)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return dict(parse_qsl(urlsplit(location).query))


async def sign_in(
    config: OidcClientConfig, http: httpx.AsyncClient | None = None
) -> VerifiedIdentity:
    """The whole flow; with ``http=None`` the service makes its own short-lived clients."""
    async with contextlib.AsyncExitStack() as stack:
        browser = http or await stack.enter_async_context(httpx.AsyncClient(timeout=5.0))
        pending = await begin_login(config, http=http)
        params = await authorize(browser, pending)
    return await complete_login(
        config,
        pending,
        code=params.get("code"),
        state=params.get("state"),
        error=params.get("error"),
        http=http,
    )


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# --- the flow that works ------------------------------------------------------------------


async def test_authorization_url_carries_a_fresh_pkce_request(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    first = await begin_login(config, http=oidc_http)
    second = await begin_login(config, http=oidc_http)

    url = urlsplit(first.authorization_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == oidc_provider.authorization_endpoint
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid email profile",
        "state": first.state,
        "nonce": first.nonce,
        "code_challenge": s256(first.code_verifier),
        "code_challenge_method": "S256",
    }
    assert 43 <= len(first.code_verifier) <= 128
    assert len({first.state, first.nonce, first.code_verifier}) == 3
    assert first.state != second.state
    assert first.nonce != second.nonce
    assert first.code_verifier != second.code_verifier
    assert oidc_provider.hits["discovery"] == 1  # the discovery document is cached


async def test_sign_in_with_client_secret_basic(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    identity = await sign_in(config_for(oidc_provider), oidc_http)

    assert identity == VerifiedIdentity(
        issuer=oidc_provider.issuer,
        subject="user-0001",
        email="ada@example.test",
        email_verified=True,
        name="Ada Lovelace",
    )
    assert oidc_provider.token_auth_methods == ["client_secret_basic"]
    assert oidc_provider.token_errors == []


async def test_sign_in_with_client_secret_post_as_discovery_says() -> None:
    user = FakeUser(sub="sub-42", email="grace@example.test", email_verified=False, name=None)
    with run_oidc_provider(
        redirect_uris=[REDIRECT_URI],
        token_endpoint_auth_method="client_secret_post",
        client_secret="s3cret:with/odd+chars",
        user=user,
    ) as provider:
        identity = await sign_in(config_for(provider))  # no client passed: a short-lived one

    assert identity.subject == "sub-42"
    assert identity.email == "grace@example.test"
    assert identity.email_verified is False
    assert identity.name is None
    assert provider.token_auth_methods == ["client_secret_post"]


async def test_basic_auth_encodes_odd_characters_in_the_secret() -> None:
    with run_oidc_provider(
        redirect_uris=[REDIRECT_URI], client_secret="s3cret:with/odd+chars %"
    ) as provider:
        identity = await sign_in(config_for(provider))

    assert identity.subject == "user-0001"
    assert provider.token_auth_methods == ["client_secret_basic"]


async def test_sign_in_as_public_client_with_pkce_only(oidc_http: httpx.AsyncClient) -> None:
    with run_oidc_provider(redirect_uris=[REDIRECT_URI], public_client=True) as provider:
        assert provider.client_secret is None
        identity = await sign_in(config_for(provider), oidc_http)

    assert identity.subject == "user-0001"
    assert provider.token_auth_methods == ["none"]


async def test_keys_are_cached_and_refetched_after_rotation(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    await sign_in(config, oidc_http)
    await sign_in(config, oidc_http)
    assert oidc_provider.hits["jwks"] == 1
    assert oidc_provider.hits["discovery"] == 1

    oidc_provider.rotate_keys()
    identity = await sign_in(config, oidc_http)

    assert identity.subject == "user-0001"
    assert oidc_provider.hits["jwks"] == 2  # unknown kid: fetched once more


async def test_token_expired_within_clock_leeway_is_accepted(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    oidc_provider.misbehave(expires_in=-20, issued_at_offset=-300)
    identity = await sign_in(config_for(oidc_provider), oidc_http)
    assert identity.subject == "user-0001"


async def test_several_audiences_are_accepted_when_we_are_the_authorized_party(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    oidc_provider.misbehave(audience=[CLIENT_ID, "another-app"], authorized_party=CLIENT_ID)
    identity = await sign_in(config_for(oidc_provider), oidc_http)
    assert identity.subject == "user-0001"


# --- ID tokens that must be refused -------------------------------------------------------

NOT_SIGNED = "Sign-in with Test ID failed: the token was not signed by the provider."
OTHER_APP = "Sign-in with Test ID failed: the token is for another application."


@pytest.mark.parametrize(
    ("misbehaviour", "reason", "message"),
    [
        pytest.param({"forge_signature": True}, "bad_signature", NOT_SIGNED, id="forged-signature"),
        pytest.param(
            {"forge_signature": True, "forged_kid": "attacker-key"},
            "bad_signature",
            NOT_SIGNED,
            id="forged-signature-unknown-kid",
        ),
        pytest.param({"signing_alg": "none"}, "bad_signature", NOT_SIGNED, id="alg-none"),
        pytest.param(
            {"signing_alg": "HS256"}, "bad_signature", NOT_SIGNED, id="hs256-with-public-key"
        ),
        pytest.param({"audience": "another-app"}, "wrong_audience", OTHER_APP, id="wrong-audience"),
        pytest.param(
            {"audience": [CLIENT_ID, "another-app"]},
            "wrong_audience",
            OTHER_APP,
            id="several-audiences-without-azp",
        ),
        pytest.param(
            {"audience": [CLIENT_ID, "another-app"], "authorized_party": "another-app"},
            "wrong_audience",
            OTHER_APP,
            id="azp-is-another-app",
        ),
        pytest.param(
            {"expires_in": -120, "issued_at_offset": -600},
            "expired",
            "Sign-in with Test ID failed: the token has expired.",
            id="expired",
        ),
        pytest.param(
            {"issued_at_offset": 600, "expires_in": 900},
            "not_yet_valid",
            "Sign-in with Test ID failed: the token is not valid yet "
            "(is this computer's clock right?).",
            id="issued-in-the-future",
        ),
        pytest.param(
            {"issuer_claim": "https://attacker.example"},
            "wrong_issuer",
            "Sign-in with Test ID failed: the token was issued by a different provider.",
            id="wrong-issuer",
        ),
        pytest.param(
            {"nonce": "a-nonce-from-another-sign-in"},
            "nonce_mismatch",
            "Sign-in with Test ID failed: the token does not belong to this sign-in.",
            id="nonce-mismatch",
        ),
        pytest.param(
            {"omit_nonce": True},
            "nonce_mismatch",
            "Sign-in with Test ID failed: the token does not belong to this sign-in.",
            id="nonce-missing",
        ),
    ],
)
async def test_bad_id_token_is_refused(
    oidc_provider: FakeOidcProvider,
    oidc_http: httpx.AsyncClient,
    misbehaviour: dict[str, Any],
    reason: str,
    message: str,
) -> None:
    oidc_provider.misbehave(**misbehaviour)

    with pytest.raises(OidcError) as caught:
        await sign_in(config_for(oidc_provider), oidc_http)

    assert caught.value.reason == reason
    assert caught.value.message == message
    assert str(caught.value) == message
    # The provider did hand out the token: the refusal is ours, after the exchange.
    assert oidc_provider.hits["token"] == 1
    assert oidc_provider.token_errors == []


async def test_forged_token_with_unknown_kid_refetches_keys_once(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    await sign_in(config, oidc_http)  # caches the real key
    oidc_provider.misbehave(forge_signature=True, forged_kid="attacker-key")

    with pytest.raises(OidcError) as caught:
        await sign_in(config, oidc_http)

    assert caught.value.reason == "bad_signature"
    assert oidc_provider.hits["jwks"] == 2


async def test_forged_token_with_the_real_kid_does_not_refetch_keys(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    await sign_in(config, oidc_http)
    oidc_provider.misbehave(forge_signature=True)

    with pytest.raises(OidcError) as caught:
        await sign_in(config, oidc_http)

    assert caught.value.reason == "bad_signature"
    assert oidc_provider.hits["jwks"] == 1


# --- callbacks that must be refused before any exchange -----------------------------------


async def test_tampered_state_is_refused_and_the_code_is_not_spent(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    pending = await begin_login(config, http=oidc_http)
    params = await authorize(oidc_http, pending)
    assert params["state"] == pending.state

    for tampered in (params["state"][:-1] + "x", "", None):
        with pytest.raises(OidcError) as caught:
            await complete_login(
                config, pending, code=params["code"], state=tampered, http=oidc_http
            )
        assert caught.value.reason == "state_mismatch"
        assert caught.value.message == (
            "Sign-in with Test ID failed: the sign-in response did not match the request."
        )
    assert oidc_provider.hits["token"] == 0


async def test_provider_error_in_callback_is_refused(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    oidc_provider.misbehave(authorize_error="access_denied")
    config = config_for(oidc_provider)
    pending = await begin_login(config, http=oidc_http)
    params = await authorize(oidc_http, pending)
    assert params["error"] == "access_denied"
    assert "code" not in params

    with pytest.raises(OidcError) as caught:
        await complete_login(
            config,
            pending,
            code=params.get("code"),
            state=params.get("state"),
            error=params["error"],
            http=oidc_http,
        )

    assert caught.value.reason == "provider_error"
    assert caught.value.provider_error == "access_denied"
    assert caught.value.message == (
        "Sign-in with Test ID failed: access was denied or the sign-in was cancelled."
    )
    assert oidc_provider.hits["token"] == 0


async def test_unknown_provider_error_is_shown_without_markup(
    oidc_provider: FakeOidcProvider,
) -> None:
    pending = PendingLogin(state="s", nonce="n", code_verifier="v", authorization_url="")
    with pytest.raises(OidcError) as caught:
        await complete_login(
            config_for(oidc_provider),
            pending,
            code=None,
            state="s",
            error="<script>alert(1)</script>odd_error",
        )
    assert caught.value.reason == "provider_error"
    assert "<" not in caught.value.message
    assert "odd_error" in caught.value.message
    assert oidc_provider.hits["discovery"] == 0


async def test_missing_code_is_refused(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    pending = await begin_login(config, http=oidc_http)

    with pytest.raises(OidcError) as caught:
        await complete_login(config, pending, code=None, state=pending.state, http=oidc_http)

    assert caught.value.reason == "missing_code"
    assert "did not send a sign-in code" in caught.value.message
    assert oidc_provider.hits["token"] == 0


# --- the token endpoint refuses -----------------------------------------------------------


async def test_token_endpoint_error_is_refused(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    oidc_provider.misbehave(token_error="server_error", token_error_status=500)

    with pytest.raises(OidcError) as caught:
        await sign_in(config_for(oidc_provider), oidc_http)

    assert caught.value.reason == "token_refused"
    assert caught.value.provider_error == "server_error"
    assert (
        caught.value.message == "Sign-in with Test ID failed: the provider had an internal error."
    )
    assert oidc_provider.token_errors == [("server_error", "Scripted failure.")]


async def test_reused_code_is_refused_by_the_provider(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    pending = await begin_login(config, http=oidc_http)
    params = await authorize(oidc_http, pending)
    first = await complete_login(
        config, pending, code=params["code"], state=params["state"], http=oidc_http
    )
    assert first.subject == "user-0001"

    with pytest.raises(OidcError) as caught:
        await complete_login(
            config, pending, code=params["code"], state=params["state"], http=oidc_http
        )

    assert caught.value.reason == "token_refused"
    assert caught.value.provider_error == "invalid_grant"
    assert "refused the sign-in code" in caught.value.message
    assert oidc_provider.token_errors == [("invalid_grant", "The code was already used.")]


async def test_wrong_pkce_verifier_is_refused_by_the_provider(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    pending = await begin_login(config, http=oidc_http)
    params = await authorize(oidc_http, pending)
    forged = dataclasses.replace(pending, code_verifier=secrets.token_urlsafe(64))

    with pytest.raises(OidcError) as caught:
        await complete_login(
            config, forged, code=params["code"], state=params["state"], http=oidc_http
        )

    assert caught.value.reason == "token_refused"
    assert caught.value.provider_error == "invalid_grant"
    assert oidc_provider.token_errors == [("invalid_grant", "PKCE verification failed.")]


async def test_wrong_client_secret_is_refused_without_showing_it(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider, client_secret="not-the-secret-123")

    with pytest.raises(OidcError) as caught:
        await sign_in(config, oidc_http)

    assert caught.value.reason == "token_refused"
    assert caught.value.provider_error == "invalid_client"
    assert caught.value.message == (
        "Sign-in with Test ID failed: the provider did not accept this application's credentials."
    )
    assert "not-the-secret-123" not in repr(config)
    assert oidc_provider.token_errors == [("invalid_client", "Client authentication failed.")]


async def test_redirect_uri_mismatch_at_token_endpoint_is_refused(
    oidc_http: httpx.AsyncClient,
) -> None:
    other = "http://127.0.0.1:9/other/callback"
    with run_oidc_provider(redirect_uris=[REDIRECT_URI, other]) as provider:
        config = config_for(provider)
        pending = await begin_login(config, http=oidc_http)
        params = await authorize(oidc_http, pending)
        with pytest.raises(OidcError) as caught:
            await complete_login(
                dataclasses.replace(config, redirect_uri=other),
                pending,
                code=params["code"],
                state=params["state"],
                http=oidc_http,
            )

    assert caught.value.provider_error == "invalid_grant"
    assert provider.token_errors == [("invalid_grant", "redirect_uri does not match.")]


# --- discovery ----------------------------------------------------------------------------


async def test_discovery_issuer_mismatch_is_refused(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    oidc_provider.misbehave(discovery_issuer="https://attacker.example")
    config = config_for(oidc_provider)

    with pytest.raises(OidcError) as caught:
        await fetch_metadata(config, http=oidc_http)
    assert caught.value.reason == "issuer_mismatch"
    assert caught.value.message == (
        "Sign-in with Test ID failed: the provider's configuration names a different issuer."
    )

    with pytest.raises(OidcError) as caught:
        await begin_login(config, http=oidc_http)
    assert caught.value.reason == "issuer_mismatch"
    assert oidc_provider.hits["discovery"] == 2  # a refused document is not cached


async def test_discovery_issuer_must_match_exactly(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider, issuer=oidc_provider.issuer + "/")

    with pytest.raises(OidcError) as caught:
        await fetch_metadata(config, http=oidc_http)

    assert caught.value.reason == "issuer_mismatch"
    assert oidc_provider.hits["discovery"] == 1


async def test_metadata_is_returned_and_cached(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider)
    metadata = await fetch_metadata(config, http=oidc_http)
    metadata["token_endpoint"] = "https://tampered.example/token"  # a copy: the cache is safe
    again = await fetch_metadata(config, http=oidc_http)

    assert again["issuer"] == oidc_provider.issuer
    assert again["token_endpoint"] == oidc_provider.token_endpoint
    assert oidc_provider.hits["discovery"] == 1


async def test_unreachable_provider_is_refused(oidc_http: httpx.AsyncClient) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = OidcClientConfig(
        issuer=f"http://127.0.0.1:{port}",
        client_id=CLIENT_ID,
        client_secret=None,
        redirect_uri=REDIRECT_URI,
    )

    with pytest.raises(OidcError) as caught:
        await begin_login(config, http=oidc_http)

    assert caught.value.reason == "unreachable"
    assert caught.value.message == (
        f"Sign-in with 127.0.0.1:{port} failed: the provider could not be reached."
    )


async def test_plain_http_issuer_off_this_machine_is_refused() -> None:
    config = OidcClientConfig(
        issuer="http://login.example.com",
        client_id=CLIENT_ID,
        client_secret=None,
        redirect_uri=REDIRECT_URI,
    )
    with pytest.raises(OidcError) as caught:
        await fetch_metadata(config)
    assert caught.value.reason == "insecure_url"
    assert "HTTPS" in caught.value.message


# --- the fake provider itself -------------------------------------------------------------


async def test_provider_refuses_unregistered_redirect_uri_without_redirecting(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    config = config_for(oidc_provider, redirect_uri="https://attacker.example/callback")
    pending = await begin_login(config, http=oidc_http)

    response = await oidc_http.get(pending.authorization_url)

    assert response.status_code == 400
    assert "location" not in response.headers


async def test_access_token_works_at_userinfo(
    oidc_provider: FakeOidcProvider, oidc_http: httpx.AsyncClient
) -> None:
    tokens: list[dict[str, Any]] = []

    async def keep_token_response(response: httpx.Response) -> None:
        if response.url.path == "/token":
            await response.aread()
            tokens.append(response.json())

    oidc_http.event_hooks["response"].append(keep_token_response)
    await sign_in(config_for(oidc_provider), oidc_http)

    response = await oidc_http.get(
        f"{oidc_provider.issuer}/userinfo",
        headers={"Authorization": f"Bearer {tokens[0]['access_token']}"},
    )
    assert response.json()["email"] == "ada@example.test"


# --- nothing secret leaks -----------------------------------------------------------------


async def test_no_token_code_or_secret_in_logs_or_messages(
    oidc_provider: FakeOidcProvider,
    oidc_http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets_seen: list[str] = [oidc_provider.client_secret or ""]

    async def keep_token_response(response: httpx.Response) -> None:
        if response.url.path == "/token" and response.status_code == 200:
            await response.aread()
            body = response.json()
            secrets_seen.extend([body["id_token"], body["access_token"]])

    oidc_http.event_hooks["response"].append(keep_token_response)
    config = config_for(oidc_provider)
    # Every Vigor module at DEBUG, and the HTTP client's request lines (URLs) at INFO as a
    # production server logs them, whatever an earlier test left the root logger at.
    caplog.set_level(logging.DEBUG, logger="vigor_app")
    caplog.set_level(logging.INFO, logger="httpx")

    async def browser_authorizes(pending: PendingLogin) -> dict[str, str]:
        # The browser's own visit to the provider carries the state and nonce in its URL by
        # design; it is not Vigor's request, so it is not in the logs checked.
        with caplog.at_level(logging.WARNING, logger="httpx"):
            return await authorize(oidc_http, pending)

    pending = await begin_login(config, http=oidc_http)
    params = await browser_authorizes(pending)
    await complete_login(
        config, pending, code=params["code"], state=params["state"], http=oidc_http
    )
    secrets_seen.extend([params["code"], pending.code_verifier, pending.nonce])

    oidc_provider.misbehave(nonce="another")
    pending = await begin_login(config, http=oidc_http)
    params = await browser_authorizes(pending)
    with pytest.raises(OidcError) as caught:
        await complete_login(
            config, pending, code=params["code"], state=params["state"], http=oidc_http
        )
    secrets_seen.extend([params["code"], pending.code_verifier, pending.nonce])

    assert len(secrets_seen) == 11
    assert caplog.records  # something was logged
    assert any(r.name == "httpx" for r in caplog.records)  # Vigor's own requests are in it
    for value in secrets_seen:
        assert value
        assert value not in caplog.text
        assert value not in caught.value.message
        assert value not in repr(pending)
        assert value not in repr(config)
