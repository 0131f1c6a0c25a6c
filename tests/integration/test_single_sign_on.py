"""Single sign-on end to end: Vigor's own HTTP routes and services against a real provider.

The fake OpenID Connect provider runs on 127.0.0.1 (uvicorn in a thread) and is reached over
real HTTP, both by Vigor's OIDC client and by the "browser" (a plain httpx client that does
not follow redirects). Vigor's routes (`vigor_app.api.api`) are called in-process through
httpx's ASGI transport at APP_URL, so every redirect Vigor answers can be read and followed
by hand, exactly as a browser would.
"""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel, func, select

from tests import races
from tests.factories import DEFAULT_PASSWORD
from tests.fakes.oidc_provider import FakeOidcProvider, FakeUser, run_oidc_provider
from vigor_app import __version__, db, startup
from vigor_app.api import api
from vigor_app.clock import utcnow
from vigor_app.models import (
    AuditEntry,
    AuthSession,
    LoginTicket,
    OidcIdentity,
    OidcLoginFlow,
    User,
)
from vigor_app.services.accounts import accounts, oidc, single_sign_on
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.errors import AuthenticationError
from vigor_app.settings import reload_settings

APP_URL = "http://testserver"
REDIRECT_URI = APP_URL + single_sign_on.CALLBACK_PATH
UNVERIFIED = "Your provider did not share a verified e-mail address, which Vigor needs for an account."
DISABLED = "This account has been disabled. Contact an administrator."
STALE_LINK = "This sign-in link is not valid any more. Start again."
NOT_SET_UP = "Single sign-on is not set up on this server."


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def provider_server() -> Iterator[FakeOidcProvider]:
    """One running provider for the module, with Vigor's callback registered."""
    with run_oidc_provider(redirect_uris=[REDIRECT_URI]) as provider:
        yield provider


@pytest.fixture
def provider(provider_server: FakeOidcProvider) -> Iterator[FakeOidcProvider]:
    """The provider behaving correctly, and Vigor's OIDC client with empty caches."""
    provider_server.reset()
    oidc.clear_caches()
    yield provider_server
    oidc.clear_caches()


@pytest.fixture
def sso(database: str, vigor_env: pytest.MonkeyPatch, provider: FakeOidcProvider) -> FakeOidcProvider:
    """A migrated database and Vigor configured, through its environment, for the provider."""
    assert provider.client_secret
    vigor_env.setenv("APP_URL", APP_URL)
    vigor_env.setenv("OIDC_ISSUER", provider.issuer)
    vigor_env.setenv("OIDC_CLIENT_ID", provider.client_id)
    vigor_env.setenv("OIDC_CLIENT_SECRET", provider.client_secret)
    settings = reload_settings()
    assert settings.oidc_enabled
    return provider


@pytest.fixture
async def vigor() -> AsyncIterator[httpx.AsyncClient]:
    """Vigor's HTTP routes, in-process, at APP_URL; redirects are not followed."""
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url=APP_URL, timeout=10.0) as client:
        yield client


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """A real HTTP client for the provider's pages; redirects are not followed."""
    async with httpx.AsyncClient(timeout=10.0, follow_redirects=False) as client:
        yield client


# --- helpers ------------------------------------------------------------------------------


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def count(model: type[SQLModel]) -> int:
    with db.read_only() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def counts() -> dict[str, int]:
    """Rows in every table single sign-on writes to."""
    return {
        "users": count(User),
        "oidc_identities": count(OidcIdentity),
        "auth_sessions": count(AuthSession),
        "login_tickets": count(LoginTicket),
    }


NOTHING = {"users": 0, "oidc_identities": 0, "auth_sessions": 0, "login_tickets": 0}


def finish_params(response: httpx.Response) -> dict[str, str]:
    """The query of a 303 to /auth/finish (on Vigor, never another host)."""
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert location.scheme == "" and location.netloc == "", location
    assert location.path == "/auth/finish"
    params = dict(parse_qsl(location.query))
    assert set(params) in ({"ticket"}, {"error"}), params
    if "error" in params:  # a short code, never text: the page shows the code's fixed message
        assert re.fullmatch(r"[a-z_]{1,40}(\.[a-z_]{1,60})?", params["error"]), params
    return params


def browser_keys(vigor: httpx.AsyncClient) -> list[str]:
    """The browser keys Vigor set in this client's cookies (sent with the websocket's handshake)."""
    return [cookie.value for cookie in vigor.cookies.jar
            if cookie.name.startswith(single_sign_on.BROWSER_COOKIE_PREFIX) and cookie.value]


def redeem(vigor: httpx.AsyncClient, ticket: str, **kwargs):
    """/auth/finish in the browser that started the sign-in: with its browser keys."""
    return single_sign_on.redeem_ticket(ticket, browser_keys=browser_keys(vigor), **kwargs)


async def start_login(vigor: httpx.AsyncClient, next_path: str | None = "/progress") -> str:
    """GET /auth/oidc/login; returns the provider URL Vigor redirects to."""
    params = {} if next_path is None else {"next": next_path}
    response = await vigor.get("/auth/oidc/login", params=params)
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def authorize(browser: httpx.AsyncClient, authorization_url: str) -> str:
    """What the browser does at the provider; returns the callback URL it is sent back to."""
    response = await browser.get(authorization_url)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return location


async def callback(vigor: httpx.AsyncClient, callback_url: str) -> dict[str, str]:
    """The browser arriving back at Vigor's callback; returns the /auth/finish parameters."""
    return finish_params(await vigor.get(callback_url))


async def sign_in(
    vigor: httpx.AsyncClient, browser: httpx.AsyncClient, next_path: str | None = "/progress"
) -> dict[str, str]:
    """The whole round trip, login to callback; returns the /auth/finish parameters."""
    authorization_url = await start_login(vigor, next_path)
    return await callback(vigor, await authorize(browser, authorization_url))


async def ticket_for(vigor: httpx.AsyncClient, browser: httpx.AsyncClient, next_path: str = "/progress") -> str:
    params = await sign_in(vigor, browser, next_path)
    assert "ticket" in params, params
    return params["ticket"]


def error_of(params: dict[str, str]) -> str:
    """The message /auth/finish shows for the error code in `params`."""
    assert "error" in params, params
    return single_sign_on.error_message(params["error"])


def schema_head() -> str:
    head = ScriptDirectory.from_config(startup.alembic_config()).get_current_head()
    assert head
    return head


# --- the flow that works ------------------------------------------------------------------


async def test_login_redirects_to_the_provider_with_state_nonce_and_pkce(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient
) -> None:
    authorization_url = await start_login(vigor, "/progress")

    url = urlsplit(authorization_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == sso.authorization_endpoint
    query = dict(parse_qsl(url.query))
    assert query["response_type"] == "code"
    assert query["client_id"] == sso.client_id
    assert query["redirect_uri"] == REDIRECT_URI
    assert "openid" in query["scope"].split()
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32

    # What the browser cannot see is kept on the server, bound to this state.
    with db.read_only() as session:
        flows = session.exec(select(OidcLoginFlow)).all()
    assert len(flows) == 1
    flow = flows[0]
    assert flow.state == query["state"]
    assert flow.nonce == query["nonce"]
    assert query["code_challenge"] == s256(flow.code_verifier)
    assert flow.code_verifier not in authorization_url
    assert flow.return_to == "/progress"
    assert timedelta(minutes=9) < flow.expires_at - flow.created_at <= timedelta(minutes=10)

    # A second login is a fresh request, not a reuse of the first.
    second = dict(parse_qsl(urlsplit(await start_login(vigor, "/progress")).query))
    assert second["state"] != query["state"]
    assert second["nonce"] != query["nonce"]
    assert second["code_challenge"] != query["code_challenge"]
    assert count(OidcLoginFlow) == 2


async def test_full_sign_in_ends_in_a_session_through_a_one_time_ticket(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    authorization_url = await start_login(vigor, "/progress")
    sent_state = dict(parse_qsl(urlsplit(authorization_url).query))["state"]

    callback_url = await authorize(browser, authorization_url)
    back = dict(parse_qsl(urlsplit(callback_url).query))
    assert set(back) == {"code", "state"}
    assert back["state"] == sent_state

    params = await callback(vigor, callback_url)
    ticket = params["ticket"]
    assert len(ticket) >= 32
    assert sso.hits["token"] == 1 and sso.token_errors == []
    assert sso.token_auth_methods == ["client_secret_basic"]
    assert count(OidcLoginFlow) == 0  # the pending flow is spent
    assert counts() == {"users": 1, "oidc_identities": 1, "auth_sessions": 0, "login_tickets": 1}

    signed_in, return_to = redeem(vigor, ticket, client_ip="203.0.113.7")

    assert return_to == "/progress"
    assert signed_in.user.email == "ada@example.test"
    assert signed_in.user.username == "AdaLovelace"
    assert signed_in.user.role == "user"
    assert signed_in.token and signed_in.token != ticket
    assert auth_sessions.resolve(signed_in.token) == signed_in.user

    with db.read_only() as session:
        user = session.get(User, signed_in.user.id)
        identity = session.exec(select(OidcIdentity)).one()
        auth = session.exec(select(AuthSession)).one()
        actions = session.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert user is not None and user.password_hash is None and user.last_seen_at is not None
    assert (identity.user_id, identity.issuer, identity.subject, identity.email) == (
        signed_in.user.id, sso.issuer, "user-0001", "ada@example.test"
    )
    assert auth.user_id == signed_in.user.id and auth.client_ip == "203.0.113.7"
    assert actions == ["account.register_sso", "account.sign_in_sso"]
    # Neither the ticket nor the session token is stored in the clear.
    with db.read_only() as session:
        stored = session.exec(select(LoginTicket)).one()
    assert stored.ticket_hash != ticket and stored.used_at is not None
    assert auth.token_hash != signed_in.token

    # The ticket works once only.
    with pytest.raises(AuthenticationError) as caught:
        redeem(vigor, ticket)
    assert caught.value.message == STALE_LINK
    assert count(AuthSession) == 1


async def test_ticket_expires_after_a_minute(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    ticket = await ticket_for(vigor, browser)

    with pytest.raises(AuthenticationError) as caught:
        redeem(vigor, ticket, now=utcnow() + timedelta(minutes=2))

    assert caught.value.message == STALE_LINK
    assert count(AuthSession) == 0


async def test_unknown_or_oversized_ticket_is_refused(database: str) -> None:
    for ticket in ("", "not-a-ticket", "x" * 500):
        with pytest.raises(AuthenticationError):
            single_sign_on.redeem_ticket(ticket, browser_keys=[])
    assert count(AuthSession) == 0


async def test_replayed_callback_is_refused_before_reaching_the_provider(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    callback_url = await authorize(browser, await start_login(vigor))
    first = await callback(vigor, callback_url)
    assert "ticket" in first

    replay = await callback(vigor, callback_url)

    assert error_of(replay) == STALE_LINK
    assert sso.hits["token"] == 1  # the replayed code was never even sent to the provider
    assert counts() == {"users": 1, "oidc_identities": 1, "auth_sessions": 0, "login_tickets": 1}


async def test_callback_with_an_unknown_state_is_refused(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    callback_url = await authorize(browser, await start_login(vigor))
    code = dict(parse_qsl(urlsplit(callback_url).query))["code"]

    for query in ({"code": code, "state": "forged-state"}, {"code": code}, {}):
        params = finish_params(await vigor.get(single_sign_on.CALLBACK_PATH, params=query))
        assert error_of(params) == STALE_LINK

    assert sso.hits["token"] == 0
    assert count(OidcLoginFlow) == 1  # the real pending sign-in is untouched
    assert counts() == NOTHING


async def test_second_sign_in_with_the_same_subject_reuses_the_account(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    first, _ = redeem(vigor, await ticket_for(vigor, browser))
    # Same person at the provider, who has since changed their e-mail and name there.
    sso.user = FakeUser(email="ada.byron@example.test", name="Ada Byron")

    second, return_to = redeem(vigor, await ticket_for(vigor, browser, "/plans"))

    assert second.user == first.user
    assert return_to == "/plans"
    assert second.token != first.token
    assert auth_sessions.resolve(first.token) == first.user
    assert auth_sessions.resolve(second.token) == first.user
    assert counts() == {"users": 1, "oidc_identities": 1, "auth_sessions": 2, "login_tickets": 2}


async def test_another_subject_gets_its_own_account(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    first, _ = redeem(vigor, await ticket_for(vigor, browser))
    sso.user = FakeUser(sub="user-0002", email="grace@example.test", name="Ada Lovelace")

    second, _ = redeem(vigor, await ticket_for(vigor, browser))

    assert second.user.id != first.user.id
    assert second.user.email == "grace@example.test"
    assert second.user.username == "AdaLovelace2"  # the wanted name was taken
    assert counts()["users"] == 2 and counts()["oidc_identities"] == 2


async def test_password_account_with_the_same_verified_email_is_linked(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    existing = accounts.register("ada@example.test", "ada", DEFAULT_PASSWORD).user
    sso.user = FakeUser(email="Ada@Example.TEST")  # e-mail addresses compare case-blind

    signed_in, _ = redeem(vigor, await ticket_for(vigor, browser))

    assert signed_in.user == existing
    assert counts()["users"] == 1
    with db.read_only() as session:
        identity = session.exec(select(OidcIdentity)).one()
        user = session.get(User, existing.id)
    assert identity.user_id == existing.id and identity.subject == "user-0001"
    assert user is not None and user.password_hash  # the password still works, too
    assert accounts.sign_in("ada", DEFAULT_PASSWORD).user == existing

    # The link holds: the next sign-in finds the account by (issuer, subject).
    again, _ = redeem(vigor, await ticket_for(vigor, browser))
    assert again.user == existing
    assert counts()["oidc_identities"] == 1


async def test_unverified_email_is_refused_and_creates_no_user(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    sso.user = FakeUser(email_verified=False)

    params = await sign_in(vigor, browser)

    assert error_of(params) == UNVERIFIED
    assert sso.hits["token"] == 1
    assert counts() == NOTHING


async def test_missing_email_is_refused_and_creates_no_user(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    sso.user = FakeUser(email=None)

    assert error_of(await sign_in(vigor, browser)) == UNVERIFIED
    assert counts() == NOTHING


async def test_unverified_email_never_takes_over_a_password_account(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    accounts.register("ada@example.test", "ada", DEFAULT_PASSWORD)
    sso.user = FakeUser(email_verified=False)

    assert error_of(await sign_in(vigor, browser)) == UNVERIFIED
    assert counts() == {"users": 1, "oidc_identities": 0, "auth_sessions": 1, "login_tickets": 0}


@pytest.mark.parametrize(
    ("misbehaviour", "words"),
    [
        pytest.param({"forge_signature": True}, "the token was not signed by the provider.",
                     id="forged-signature"),
        pytest.param({"audience": "someone-else"}, "the token is for another application.",
                     id="wrong-audience"),
        pytest.param({"expires_in": -3600}, "the token has expired.", id="expired"),
    ],
)
async def test_bad_id_token_ends_at_finish_with_a_message_and_nothing_created(
    sso: FakeOidcProvider,
    vigor: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    misbehaviour: dict[str, object],
    words: str,
) -> None:
    sso.misbehave(**misbehaviour)

    message = error_of(await sign_in(vigor, browser))

    assert message.startswith("Sign-in with ")
    assert message.endswith(" failed: " + words)
    assert sso.hits["token"] == 1  # the provider did hand out a token; the refusal is Vigor's
    assert counts() == NOTHING
    assert count(OidcLoginFlow) == 0


async def test_provider_error_ends_at_finish_with_a_message(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    sso.misbehave(authorize_error="access_denied")

    message = error_of(await sign_in(vigor, browser))

    assert message.endswith("failed: access was denied or the sign-in was cancelled.")
    assert sso.hits["token"] == 0
    assert counts() == NOTHING


async def test_provider_error_text_is_not_carried_to_the_finish_page(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    sso.misbehave(authorize_error="Call 555-0100 to unlock your account")

    params = await sign_in(vigor, browser)

    assert params == {"error": "oidc.provider_error"}
    assert error_of(params) == "Sign-in with single sign-on failed: the provider reported an error."
    assert counts() == NOTHING


# --- only the browser that started a sign-in can finish it (login CSRF) ---------------------


@pytest.fixture
async def other_vigor() -> AsyncIterator[httpx.AsyncClient]:
    """Another browser on Vigor: its own cookies."""
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url=APP_URL, timeout=10.0) as client:
        yield client


async def test_login_gives_the_browser_a_key_in_an_http_only_cookie_and_keeps_its_hash(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient
) -> None:
    response = await vigor.get("/auth/oidc/login", params={"next": "/progress"})

    assert response.status_code == 303
    [set_cookie] = response.headers.get_list("set-cookie")
    name, _, rest = set_cookie.partition("=")
    value, *attributes = [part.strip() for part in rest.split(";")]
    assert name.startswith(single_sign_on.BROWSER_COOKIE_PREFIX)
    assert len(value) >= 32
    attributes = {a.split("=")[0].lower(): a.partition("=")[2] for a in attributes}
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"
    assert attributes["path"] == "/_event"  # only the websocket /auth/finish runs on sees it
    assert attributes["max-age"] == "660"  # a flow's ten minutes and a ticket's one
    assert "secure" not in attributes  # APP_URL is http here
    with db.read_only() as session:
        flow = session.exec(select(OidcLoginFlow)).one()
    assert flow.browser_hash == hashlib.sha256(value.encode()).hexdigest()
    assert value not in flow.authorization_url


async def test_the_browser_cookie_is_secure_when_vigor_is_served_over_https(
    sso: FakeOidcProvider, vigor_env: pytest.MonkeyPatch, vigor: httpx.AsyncClient
) -> None:
    vigor_env.setenv("APP_URL", "https://vigor.example.test")
    reload_settings()

    response = await vigor.get("/auth/oidc/login")

    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower().replace(" ", "").split(";")


async def test_a_ticket_opened_in_another_browser_signs_nobody_in(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient,
    other_vigor: httpx.AsyncClient,
) -> None:
    """Someone signs in at the provider as themselves and sends the /auth/finish link on."""
    ticket = await ticket_for(vigor, browser)
    await start_login(other_vigor)  # the other browser has a sign-in of its own going

    for keys in ([], browser_keys(other_vigor), ["forged-key"]):
        with pytest.raises(AuthenticationError) as caught:
            single_sign_on.redeem_ticket(ticket, browser_keys=keys)
        assert caught.value.message == single_sign_on.MESSAGES["other_browser"]
    assert count(AuthSession) == 0

    signed_in, _ = redeem(vigor, ticket)  # the browser that started it still can
    assert signed_in.user.email == "ada@example.test"
    assert count(AuthSession) == 1


async def test_a_callback_link_opened_in_another_browser_gives_a_ticket_it_cannot_use(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient,
    other_vigor: httpx.AsyncClient,
) -> None:
    """Someone stops at the provider's redirect and sends on the callback link instead."""
    callback_url = await authorize(browser, await start_login(vigor))

    params = await callback(other_vigor, callback_url)

    with pytest.raises(AuthenticationError) as caught:
        redeem(other_vigor, params["ticket"])
    assert caught.value.message == single_sign_on.MESSAGES["other_browser"]
    assert count(AuthSession) == 0


async def test_two_sign_ins_started_in_one_browser_can_both_finish(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    """Two tabs: the second sign-in's cookie does not replace the first one's."""
    first_url = await start_login(vigor, "/progress")
    second_url = await start_login(vigor, "/plans")
    first = await callback(vigor, await authorize(browser, first_url))
    second = await callback(vigor, await authorize(browser, second_url))

    assert len(browser_keys(vigor)) == 2
    assert redeem(vigor, second["ticket"])[1] == "/plans"
    assert redeem(vigor, first["ticket"])[1] == "/progress"


@pytest.mark.parametrize("code", ["", "<b>Call us</b>", "oidc.no_such_reason", "provider.x", "x" * 500])
def test_an_unknown_error_code_gets_the_general_message(code: str) -> None:
    assert single_sign_on.error_message(code) == single_sign_on.GENERIC_FAILURE


async def test_disabled_account_is_refused(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    signed_in, _ = redeem(vigor, await ticket_for(vigor, browser))
    waiting_ticket = await ticket_for(vigor, browser)  # issued while the account was active
    with db.transaction() as session:
        user = session.get(User, signed_in.user.id)
        assert user is not None
        user.is_active = False
        session.add(user)

    assert error_of(await sign_in(vigor, browser)) == DISABLED
    with pytest.raises(AuthenticationError) as caught:
        redeem(vigor, waiting_ticket)
    assert caught.value.message == DISABLED
    assert auth_sessions.resolve(signed_in.token) is None
    assert counts() == {"users": 1, "oidc_identities": 1, "auth_sessions": 1, "login_tickets": 2}


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example",
        "//evil.example/progress",
        "https://evil.example/",
        "/\\evil.example",
        "progress",
        "",
        None,
        # Browsers (and urllib) drop tabs and newlines inside a URL: "/\t/x" is "//x".
        "/\t/evil.example",
    ],
)
async def test_open_redirect_is_replaced_by_the_dashboard(
    sso: FakeOidcProvider, vigor: httpx.AsyncClient, browser: httpx.AsyncClient,
    next_path: str | None,
) -> None:
    _, return_to = redeem(vigor, await ticket_for(vigor, browser, next_path))

    assert return_to == "/dashboard"


async def test_login_without_oidc_settings_says_single_sign_on_is_not_set_up(
    database: str, vigor: httpx.AsyncClient
) -> None:
    response = await vigor.get("/auth/oidc/login", params={"next": "/progress"})

    assert error_of(finish_params(response)) == NOT_SET_UP
    assert count(OidcLoginFlow) == 0


async def test_unreachable_provider_ends_at_finish_with_a_message(
    database: str, vigor_env: pytest.MonkeyPatch, vigor: httpx.AsyncClient
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    vigor_env.setenv("APP_URL", APP_URL)
    vigor_env.setenv("OIDC_ISSUER", f"http://127.0.0.1:{port}")
    vigor_env.setenv("OIDC_CLIENT_ID", "vigor")
    reload_settings()
    oidc.clear_caches()

    message = error_of(finish_params(await vigor.get("/auth/oidc/login")))

    assert message.endswith("failed: the provider could not be reached.")
    assert count(OidcLoginFlow) == 0


# --- sign-ins racing for the same account -------------------------------------------------

RACERS = 8
ISSUER = "https://id.example.test"


def race(work) -> list:
    return races.race(work, RACERS)


def identity(subject: str = "racer-1", email: str = "racer@example.test", name: str = "Race Runner"):
    return oidc.VerifiedIdentity(issuer=ISSUER, subject=subject, email=email, email_verified=True, name=name)


def test_racing_first_sign_ins_of_one_person_make_one_account(sqlite_and_postgres: str) -> None:
    tickets = race(lambda i: single_sign_on.issue_ticket(identity(), "/progress", browser_hash=None))

    assert all(isinstance(t, str) for t in tickets), tickets
    assert counts() == {"users": 1, "oidc_identities": 1, "auth_sessions": 0, "login_tickets": RACERS}
    with db.read_only() as session:
        assert session.exec(select(func.count()).select_from(LoginTicket)
                            .where(LoginTicket.user_id != session.exec(select(User.id)).one())).one() == 0


def test_racing_sign_ins_linking_one_password_account_link_it_once(sqlite_and_postgres: str) -> None:
    existing = accounts.register("racer@example.test", "racer", DEFAULT_PASSWORD).user

    tickets = race(lambda i: single_sign_on.issue_ticket(identity(), "/progress", browser_hash=None))

    assert all(isinstance(t, str) for t in tickets), tickets
    with db.read_only() as session:
        assert [i.user_id for i in session.exec(select(OidcIdentity)).all()] == [existing.id]
    assert counts()["users"] == 1


def test_racing_new_people_wanting_one_username_get_different_ones(sqlite_and_postgres: str) -> None:
    tickets = race(lambda i: single_sign_on.issue_ticket(
        identity(subject=f"racer-{i}", email=f"racer{i}@example.test"), "/progress", browser_hash=None))

    assert all(isinstance(t, str) for t in tickets), tickets
    with db.read_only() as session:
        usernames = sorted(session.exec(select(User.username)).all())
    assert len(set(usernames)) == RACERS and "RaceRunner" in usernames
    assert all(re.fullmatch(r"RaceRunner\d*", name) for name in usernames), usernames


# --- /health ------------------------------------------------------------------------------


async def test_health_reports_the_database_and_schema_revision(
    database: str, vigor: httpx.AsyncClient
) -> None:
    response = await vigor.get("/health")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["database"]["status"] == "ok"
    assert body["database"]["schema_revision"] == schema_head()
    assert body["database"]["backend"] == "sqlite"


async def test_health_is_503_when_the_database_is_unreachable(
    vigor_env: pytest.MonkeyPatch, vigor: httpx.AsyncClient
) -> None:
    # Port 1 on loopback refuses at once; connect_timeout bounds it should anything hang.
    vigor_env.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=3")
    reload_settings()
    db.dispose_engine()

    started = time.monotonic()
    response = await vigor.get("/health")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["version"] == __version__
    assert body["database"]["status"] == "unreachable"
    assert body["database"]["backend"] == "postgresql"
    assert "schema_revision" not in body["database"]
    assert "nobody" not in response.text  # no connection details leak
    assert elapsed < 5
