"""axe-core in the browser journeys: the page as the person sees it at that step, every WCAG 2.x
A and AA rule and axe's best practices, and the test fails on any violation, named with the
elements it was found on. The axe-core script is the copy the axe-playwright-python package
bundles (from PyPI; nothing is downloaded at run time)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_AXE = Axe()


# Waits (up to 5 s) until no transition or animation that ends is running: a toast fading in or
# out is half transparent, and its contrast is not the one a person reads (spinners never end
# and are not waited for).
SETTLED = """async () => {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
        const running = document.getAnimations().filter(
            a => a.playState === 'running' && Number.isFinite(a.effect?.getComputedTiming().endTime));
        if (!running.length) return;
        await Promise.race([Promise.all(running.map(a => a.finished.catch(() => null))),
                            new Promise(resolve => setTimeout(resolve, 250))]);
    }
}"""


def violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it is now, once its transitions have ended."""
    page.wait_for_load_state("networkidle")
    page.evaluate(SETTLED)
    return _AXE.run(page).response["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {node['target']}: {summary[:240]}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "") -> None:
    """Fails the test when axe-core finds any violation on the page as it is now."""
    found = violations(page)
    viewport = page.viewport_size or {}
    place = f"{where or page.url} at {viewport.get('width')} px"
    assert not found, f"axe-core found {len(found)} violation(s) on {place}:\n{describe(found)}"
