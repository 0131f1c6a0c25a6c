"""Browser tests: the production build served by `reflex run`, driven by Playwright in Chromium.

Run as their own pytest invocation (`make e2e`): Playwright's event loop and pytest-asyncio
do not mix. The app runs with its own data directory, a real SMTP server (aiosmtpd) and a
real OpenID Connect provider (tests/fakes/oidc_provider.py), all on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fakes.oidc_provider import FakeUser, run_oidc_provider
from tests.fakes.openai_server import FakeOpenAI, Reply, run_openai_server
from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ADMIN_EMAIL = "admin@vigor.test"
ADMIN_PASSWORD = "Console-Keeper-2026"
STARTUP_TIMEOUT_S = 300
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


AI_MODEL = "e2e-coach"


@dataclass
class RunningApp:
    url: str
    mailbox: list
    sso_user: FakeUser
    ai: FakeOpenAI
    database: Path  # the app's SQLite file, for tests that check what was stored
    restart: Callable[[], None]  # stop the server and start it again (same port, same data)


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited during start-up:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200 and \
                    httpx.get(f"{url}/signin", timeout=5, follow_redirects=True).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the app did not start in {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[RunningApp]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir = tmp_path_factory.mktemp("app-data")
    sso_user = FakeUser(sub="sso-user-1", email="sso.runner@vigor.test", email_verified=True,
                        name="SSO Runner")
    with smtp_server() as (smtp_port, mailbox), \
            run_oidc_provider(redirect_uris=[f"{url}/auth/oidc/callback"], user=sso_user) as idp, \
            run_openai_server() as ai:
        # An OpenAI-compatible server on 127.0.0.1: plans come back as the built-in draft, chat
        # replies arrive in pieces a fraction of a second apart, as a real model's do.
        ai.default(AI_MODEL, Reply(echo_draft=True, chunks=12, chunk_delay=0.15))
        env = {
            # The app under test never talks to a real AI provider.
            **{k: v for k, v in os.environ.items()
               if not k.startswith(("OPENAI_", "AZURE_OPENAI_", "GEMINI_", "PERPLEXITY_", "AI_"))},
            "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
            "REFLEX_USE_NPM": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "VIGOR_DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'vigor.db'}",
            "SECRET_KEY": "e2e-secret-key",
            "APP_URL": url,
            "ADMIN_EMAIL": ADMIN_EMAIL,
            "ADMIN_USERNAME": "admin",
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_SECURITY": "none",
            "OIDC_ISSUER": idp.issuer,
            "OIDC_CLIENT_ID": idp.client_id,
            "OIDC_CLIENT_SECRET": idp.client_secret or "",
            "OIDC_PROVIDER_NAME": "Test ID",
            "OPENAI_BASE_URL": ai.base_url,
            "OPENAI_MODEL": AI_MODEL,
            # Push services on 127.0.0.1 (tests/fakes/push_service.py) may take notifications.
            "PUSH_ALLOW_LOOPBACK": "true",
            # Every browser here shares 127.0.0.1; the per-account limit stays at 5.
            "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
        }
        subprocess.run([sys.executable, "-m", "vigor_app", "migrate"], cwd=ROOT, env=env, check=True)
        log_path = data_dir / "server.log"
        log_path.write_text("")
        server: list[subprocess.Popen] = []

        def start() -> None:
            with open(log_path, "a") as log:
                server.append(subprocess.Popen(
                    [str(ROOT / ".venv" / "bin" / "reflex"), "run", "--env", "prod", "--single-port",
                     "--frontend-port", str(port), "--backend-port", str(port)],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                ))
            _wait_healthy(url, server[-1], log_path)

        def restart() -> None:
            _stop(server[-1])
            start()

        try:
            start()
            yield RunningApp(url=url, mailbox=mailbox, sso_user=sso_user, ai=ai, database=data_dir / "vigor.db",
                             restart=restart)
        finally:
            if server:
                _stop(server[-1])
            server_log = log_path.read_text()
            assert "Traceback" not in server_log, server_log[-4000:]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, app, request):
    context = chromium.new_context(base_url=app.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
