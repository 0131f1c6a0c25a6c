"""Take the installable app's screenshots (the manifest's, shown by the install dialog) of a
running Vigor: a member logging a workout, wide (1280 x 800) and on a phone (390 x 844).
A developer's tool, run by hand when the log page changes; the PNGs are committed.

    make run   # in another terminal (or any running Vigor), then:
    .venv/bin/python scripts/make_pwa_screenshots.py [--url http://localhost:3000]
"""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Screenshot-Squat-2026"  # noqa: S105 (a throwaway member of a local app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:3000")
    args = parser.parse_args()
    name = "lifter" + secrets.token_hex(3)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(base_url=args.url, viewport={"width": 1280, "height": 800})
        page.goto("/register")
        page.get_by_label("E-mail", exact=True).fill(f"{name}@example.com")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Confirm password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.get_by_role("link", name="Skip set-up for now").click()
        page.goto("/log")
        page.get_by_role("button", name="Start a freestyle workout").click()
        for exercise in ("Barbell back squat", "Barbell bench press"):
            page.get_by_label("Add an exercise").fill(exercise)
            page.get_by_role("button", name=f"Add {exercise}").click()
            expect(page.get_by_role("button", name=f"Done set 1 of {exercise}")).to_be_visible()
        squat = "Barbell back squat"
        for number, weight in ((1, "100"), (2, "100")):
            page.get_by_label(f"Weight (kg) set {number} of {squat}").fill(weight)
            page.get_by_label(f"Reps set {number} of {squat}").fill("5")
            page.get_by_role("button", name=f"Done set {number} of {squat}").click()
            expect(page.get_by_role("button", name=f"Undo set {number} of {squat}")).to_be_visible()
        page.wait_for_timeout(500)
        page.screenshot(path=str(OUT / "log-wide.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        page.screenshot(path=str(OUT / "log-narrow.png"))
        browser.close()
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
