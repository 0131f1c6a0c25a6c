"""Draw the installable app's PNG icons from assets/favicon.svg with the test suite's Chromium
(a developer's tool, run by hand when the logo changes; the PNGs are committed).

    .venv/bin/python scripts/make_pwa_images.py

Writes assets/icons/vigor-192.png, vigor-512.png (the logo as it is) and
vigor-maskable-512.png (the logo's mark on a full-bleed square, inside the 80 % safe zone that
Android's masks keep). The manifest's screenshots are taken of a running app by
`scripts/make_pwa_screenshots.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "assets" / "icons"
CHROMIUM = "/usr/bin/chromium"
ORANGE = "#f76b15"


def main() -> None:
    svg = (ROOT / "assets" / "favicon.svg").read_text(encoding="utf-8")
    mark = re.search(r"<path[^>]*/>", svg)
    assert mark is not None, "the logo's mark (a <path>) was not found"
    maskable = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" '
                f'fill="{ORANGE}"/><g transform="translate(9.6 9.6) scale(0.7)">{mark.group(0)}</g></svg>')
    ICONS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, drawing, size in (("vigor-192.png", svg, 192), ("vigor-512.png", svg, 512),
                                    ("vigor-maskable-512.png", maskable, 512)):
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = drawing.replace("<svg ", '<svg width="100%" height="100%" ', 1)
            page.set_content(f'<html><body style="margin:0;background:transparent">'
                             f'<div style="width:{size}px;height:{size}px">{sized}</div></body></html>')
            page.screenshot(path=str(ICONS / name), omit_background=True)
            page.close()
        browser.close()
    print("wrote", ", ".join(sorted(p.name for p in ICONS.glob("*.png"))))


if __name__ == "__main__":
    main()
