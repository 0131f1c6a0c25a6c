"""Lighthouse and axe-core for every main page of a production build, beside a bare Reflex app.

    python bench/lighthouse.py                    # every page, 5 runs each, mobile and desktop
    python bench/lighthouse.py --runs 1 --pages /dashboard /coach --no-bare

What it does, offline:
1. installs Lighthouse from npm into bench/lighthouse/node_modules (`npm ci`, the versions that
   bench/lighthouse/package-lock.json pins) and uses Debian's Chromium (/usr/bin/chromium);
2. builds and starts Vigor the way `make run` does (production build, one process, SQLite in a
   temporary directory; `bench/load.py`'s start-up), seeds a person with eight weeks of training,
   a plan and records (the coach evaluation's Sam, made an administrator so the admin pages open);
3. builds and starts a bare Reflex counter app (one State, one handler, the same Reflex and the
   same production mode) next to it, and measures its page in the same run: the floor;
4. for each page and form factor, `--runs` Lighthouse runs with an empty HTTP cache (cleared
   through the DevTools protocol before each run; the sign-in in local storage is kept, so the
   signed-in pages are measured signed in) and prints the medians: performance score, LCP, FCP,
   total blocking time, CLS (the largest of the runs), transferred bytes, unused JavaScript;
5. runs axe-core (the copy bundled in the axe-playwright-python package) on every page at
   1280 x 900 and 390 x 844 and prints each violation.

Mobile is Lighthouse's default (a mid-range phone on slow 4G, simulated); desktop is its
`--preset=desktop`. The signed-out pages (landing, sign-in) are measured before signing in.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import BIN, ROOT, Server, _free_port, start_bare_app, start_server  # noqa: E402 (the bench's server start)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps"]
LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
PASSWORD = "Lighthouse-Bench-2026"  # noqa: S105 (the seeded person's password)
SIGNED_OUT = ["/", "/signin"]
SIGNED_IN = ["/dashboard", "/workouts", "/log", "/history", "/exercises", "/coach", "/progress", "/profile",
             "/membership", "/admin", "/admin/users"]
FORM_FACTORS = ("mobile", "desktop")
AXE_VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}

SEED = """
import sys
from tests.coach_eval.people import seed_sam
from vigor_app import db
from vigor_app.models.user import User
from vigor_app.services.accounts.passwords import hash_password

person = seed_sam()
with db.transaction() as session:
    user = session.get(User, person.user_id)
    user.password_hash = hash_password(sys.argv[1])
    user.role = "admin"
print(person.user_id)
"""


def ensure_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    print("  installing Lighthouse from npm (bench/lighthouse/package-lock.json)", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LIGHTHOUSE_DIR, check=True)


def seed_person(server: Server) -> str:
    env = dict(server.env, PYTHONPATH=str(ROOT))
    result = subprocess.run([str(BIN / "python"), "-c", SEED, PASSWORD], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout.strip()


@dataclass
class Runs:
    """The Lighthouse runs of one page in one form factor."""

    scores: list[float] = field(default_factory=list)
    accessibility: list[float] = field(default_factory=list)
    lcp: list[float] = field(default_factory=list)
    fcp: list[float] = field(default_factory=list)
    tbt: list[float] = field(default_factory=list)
    cls: list[float] = field(default_factory=list)
    kib: list[float] = field(default_factory=list)
    unused_js_kib: list[float] = field(default_factory=list)
    scripts: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the last run's LCP element and layout shifts

    def add(self, report: dict) -> None:
        audits = report["audits"]
        self.notes = _explain(audits)
        self.scores.append(round(100 * (report["categories"]["performance"]["score"] or 0)))
        self.accessibility.append(round(100 * (report["categories"]["accessibility"]["score"] or 0)))
        self.lcp.append(audits["largest-contentful-paint"]["numericValue"])
        self.fcp.append(audits["first-contentful-paint"]["numericValue"])
        self.tbt.append(audits["total-blocking-time"]["numericValue"])
        self.cls.append(audits["cumulative-layout-shift"]["numericValue"])
        self.kib.append(audits["total-byte-weight"]["numericValue"] / 1024)
        unused = audits.get("unused-javascript", {}).get("details", {}) or {}
        self.unused_js_kib.append((unused.get("overallSavingsBytes") or 0) / 1024)
        requests = (audits.get("network-requests", {}).get("details", {}) or {}).get("items", [])
        self.scripts.append(sum(1 for r in requests if r.get("resourceType") == "Script"))

    def row(self, name: str) -> str:
        m = statistics.median
        return (f"{name:<14} {m(self.scores):>5.0f} {min(self.scores):>4.0f}-{max(self.scores):<4.0f}"
                f"{m(self.lcp) / 1000:>7.2f} {m(self.fcp) / 1000:>6.2f} {m(self.tbt):>6.0f} {max(self.cls):>7.3f}"
                f"{m(self.kib):>7.0f} {m(self.unused_js_kib):>7.0f} {m(self.scripts):>6.0f} "
                f"{m(self.accessibility):>5.0f}")


def _node(item: dict) -> str:
    node = item.get("node") or item
    text = node.get("nodeLabel") or node.get("snippet") or node.get("selector") or "?"
    return f"{node.get('selector', '?')} \"{' '.join(str(text).split())[:80]}\""


def _explain(audits: dict) -> list[str]:
    """Where a page's time and shifts went: the LCP element and its subparts (observed, not
    simulated), the layout shifts."""
    notes = []
    for part in (audits.get("lcp-breakdown-insight", {}).get("details") or {}).get("items") or []:
        if part.get("type") == "node":
            notes.append(f"LCP element: {_node(part)}")
        for item in part.get("items") or []:
            if "subpart" in item:
                notes.append(f"  {item['label']}: {item.get('duration', 0):.0f} ms")
    shifts = (audits.get("layout-shifts", {}).get("details") or {}).get("items") or []
    for item in shifts[:3]:
        notes.append(f"layout shift {item.get('score', 0):.3f}: {_node(item)}")
    return notes


HEADER = (f"{'page':<14} {'score':>5} {'range':<9}{'LCP s':>7} {'FCP s':>6} {'TBT ms':>6} {'CLS max':>7}"
          f"{'KiB':>7} {'unused':>7} {'JS':>6} {'a11y':>5}")


def lighthouse(url: str, port: int, form_factor: str, out: Path) -> dict:
    command = ["node", str(LIGHTHOUSE), url, f"--port={port}", "--disable-storage-reset", "--quiet",
               "--output=json", f"--output-path={out}", "--only-categories=performance,accessibility",
               "--max-wait-for-load=60000"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env=dict(os.environ, CHROME_PATH=CHROMIUM), timeout=300,
                   stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


class Browser:
    """One Chromium with a DevTools port: Playwright signs in and runs axe in it, Lighthouse opens
    its own tab in the same profile (so it shares the sign-in) through the port."""

    def __init__(self, workdir: Path) -> None:
        from playwright.sync_api import sync_playwright

        self.port = _free_port()
        self._playwright = sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            str(workdir / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=[*CHROMIUM_ARGS, f"--remote-debugging-port={self.port}"])
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self._cdp = self.context.new_cdp_session(self.page)

    def clear_cache(self) -> None:
        self._cdp.send("Network.clearBrowserCache")

    def sign_in(self, url: str, login: str) -> None:
        from playwright.sync_api import expect

        self.page.goto(f"{url}/signin")
        self.page.get_by_label("E-mail or username").fill(login)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        expect(self.page).to_have_url(f"{url}/dashboard", timeout=30_000)

    def axe(self, url: str, path: str) -> dict[str, list[str]]:
        from axe_playwright_python.sync_playwright import Axe

        found: dict[str, list[str]] = {}
        for name, (width, height) in AXE_VIEWPORTS.items():
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.goto(url + path)
            self.page.wait_for_load_state("networkidle")
            self.page.get_by_role("heading", level=1).first.wait_for(timeout=30_000)
            self.page.wait_for_timeout(500)  # the last state update painted
            violations = Axe().run(self.page).response["violations"]
            found[name] = [f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']}" for v in violations]
        return found

    def close(self) -> None:
        self.context.close()
        self._playwright.stop()


def measure(browser: Browser, url: str, name: str, args: argparse.Namespace, workdir: Path,
            results: dict[tuple[str, str], Runs]) -> None:
    for form_factor in args.form_factors:
        runs = results.setdefault((name, form_factor), Runs())
        for i in range(args.runs):
            browser.clear_cache()
            runs.add(lighthouse(url, browser.port, form_factor, workdir / f"lh-{form_factor}-{i}.json"))
        print(f"  {form_factor:<8}{runs.row(name)}", flush=True)
        if args.explain:
            print("\n".join(f"      {note}" for note in runs.notes), flush=True)


def report(results: dict[tuple[str, str], Runs], axe: dict[str, dict[str, list[str]]], runs: int) -> list[str]:
    lines = []
    floor = {ff: statistics.median(r.scores) for (name, ff), r in results.items() if name == "bare Reflex"}
    for form_factor in FORM_FACTORS:
        rows = [(name, r) for (name, ff), r in results.items() if ff == form_factor]
        if not rows:
            continue
        lines += ["", f"## {form_factor} (Lighthouse, median of {runs} cold-cache runs; CLS: the largest run)",
                  "", HEADER]
        lines += [r.row(name) for name, r in rows]
        if form_factor in floor:
            worst = min(statistics.median(r.scores) for name, r in rows if name != "bare Reflex")
            gap = floor[form_factor] - worst
            lines.append(f"lowest Vigor page {worst:.0f} vs bare Reflex {floor[form_factor]:.0f}: "
                         + (f"{gap:.0f} point{'s' if gap != 1 else ''} below the floor" if gap > 0 else "at or above the floor"))
    lines += ["", "## axe-core violations (1280 x 900 and 390 x 844)", ""]
    for path, found in axe.items():
        for viewport, violations in found.items():
            lines.append(f"{path:<14} {viewport:<8} {len(violations)}" +
                         "".join(f"\n    {v}" for v in violations))
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page and form factor (median)")
    parser.add_argument("--pages", nargs="*", help="only these paths (default: every main page)")
    parser.add_argument("--form-factors", nargs="*", default=list(FORM_FACTORS), choices=FORM_FACTORS)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Reflex app")
    parser.add_argument("--no-axe", action="store_true", help="skip axe-core")
    parser.add_argument("--web-dir", help="reuse this copy of .web for Vigor's build")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--explain", action="store_true",
                        help="print each page's LCP element, its phases and the largest layout shifts")
    parser.add_argument("--output", help="also write the report to this file")
    args = parser.parse_args(argv)
    # bench/load.py's start-up reads these.
    args.mode, args.port, args.workers = "sqlite", None, None
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(CHROMIUM).exists():
        print("Debian's chromium is missing: bash scripts/ensure_chromium.sh", file=sys.stderr)
        return 2
    ensure_lighthouse()
    workdir = Path(tempfile.mkdtemp(prefix="vigor-lighthouse-"))
    chosen = set(args.pages or SIGNED_OUT + SIGNED_IN)
    servers: list[Server] = []
    results: dict[tuple[str, str], Runs] = {}
    axe: dict[str, dict[str, list[str]]] = {}
    load_before = os.getloadavg()
    started = time.monotonic()
    browser = None
    try:
        if not args.no_bare:
            print("starting the bare Reflex counter app", flush=True)
            bare = start_bare_app(workdir)
            servers.append(bare)
        print("starting Vigor (production build)", flush=True)
        server = start_server(args, workdir)
        servers.append(server)
        seed_person(server)
        browser = Browser(workdir)
        if not args.no_bare:
            measure(browser, bare.url + "/", "bare Reflex", args, workdir, results)
        for path in [p for p in SIGNED_OUT if p in chosen]:
            measure(browser, server.url + path, path, args, workdir, results)
            if not args.no_axe:
                axe[path] = browser.axe(server.url, path)
        browser.sign_in(server.url, "sam")
        for path in [p for p in SIGNED_IN if p in chosen]:
            measure(browser, server.url + path, path, args, workdir, results)
            if not args.no_axe:
                axe[path] = browser.axe(server.url, path)
    finally:
        if browser:
            browser.close()
        for server in servers:
            server.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    lines = [f"# bench/lighthouse.py: {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, Chromium {chromium_version()}, Lighthouse {lighthouse_version()}",
             f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
             f"{(time.monotonic() - started) / 60:.1f} min",
             *report(results, axe, args.runs)]
    print("\n".join(lines))
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n")
    return 0


def chromium_version() -> str:
    words = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.split()
    return words[1] if len(words) > 1 else "?"


def lighthouse_version() -> str:
    return json.loads((LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json").read_text())["version"]


if __name__ == "__main__":
    raise SystemExit(main())
