"""Vigor as an installed app: Chromium finds it installable, the service worker keeps the gym
pages so a reload with the network gone shows the page (not the browser's error) with an
"offline" banner, and a new build's worker replaces the old build's cache."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT
from tests.e2e.journeys import register

CONTROLLED = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_chromium_finds_vigor_installable(chromium, app):
    # Chromium never installs from an incognito context, which is what every Playwright context
    # is: this test starts a Chromium with a profile of its own and drives it over CDP.
    port = _free_port()
    # Chromium's helper processes may still write to the profile as it goes: cleaning up is best effort.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen([CHROMIUM, *CHROMIUM_ARGS, "--headless=new", f"--user-data-dir={profile}",
                                    f"--remote-debugging-port={port}", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/json/version", timeout=1)
                    break
                except httpx.HTTPError:
                    assert time.monotonic() < deadline, "Chromium did not start"
                    time.sleep(0.2)
            browser = chromium.browser_type.connect_over_cdp(f"http://127.0.0.1:{port}")
            context = browser.contexts[0]  # the profile's own, not incognito
            page = context.new_page()
            page.goto(app.url + "/signin")
            page.wait_for_function(CONTROLLED, timeout=20_000)
            cdp = context.new_cdp_session(page)
            assert cdp.send("Page.getAppManifest").get("errors") == []
            assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
            browser.close()
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # Chromium and every helper process it started
            process.wait(timeout=10)
    manifest = httpx.get(app.url + "/manifest.json").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/dashboard"
    icons = {(i["sizes"], i["purpose"]) for i in manifest["icons"] if i["type"] == "image/png"}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons
    for image in [*manifest["icons"], *manifest["screenshots"]]:
        answer = httpx.get(app.url + image["src"])
        assert answer.status_code == 200 and answer.headers["content-type"] == image["type"], image["src"]
    assert {s["form_factor"] for s in manifest["screenshots"]} == {"wide", "narrow"}


def test_the_log_page_opens_from_the_cache_with_the_network_gone(page: Page):
    register(page, "basement")
    page.goto("/log")
    expect(page.get_by_role("button", name="Start a freestyle workout")).to_be_visible()
    page.wait_for_function(CONTROLLED, timeout=20_000)
    page.context.set_offline(True)
    page.reload()
    expect(page).to_have_title("Log workout · Vigor")
    expect(page.get_by_role("status").filter(has_text="You're offline")).to_be_visible()
    page.context.set_offline(False)
    page.reload()
    expect(page.get_by_role("button", name="Start a freestyle workout")).to_be_visible()
    expect(page.get_by_text("You're offline")).to_have_count(0)


def test_a_new_builds_worker_replaces_the_old_cache(page: Page, app):
    page.goto("/signin")
    page.wait_for_function(CONTROLLED, timeout=20_000)
    old = page.evaluate("caches.keys()")
    assert len(old) == 1 and old[0].startswith("vigor-")
    # A new build: a file the old build did not have appears among the hashed assets.
    added = ROOT / ".web" / "build" / "client" / "assets" / f"next-build-{uuid.uuid4().hex[:8]}.js"
    added.write_text("// a file of the next build\n")
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        deadline = time.monotonic() + 20
        new = old
        while new == old or len(new) != 1:  # the new worker installs, then drops the old cache
            assert time.monotonic() < deadline, f"the old cache stayed: {new}"
            page.wait_for_timeout(200)
            new = page.evaluate("caches.keys()")
        assert new[0].startswith("vigor-") and new[0] not in old
    finally:
        added.unlink()
