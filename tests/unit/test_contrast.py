"""The orange accent's text meets WCAG AA (4.5:1) in light and dark mode: the values set in
assets/a11y.css, against the backgrounds Radix Themes (3.3.0, tokens.css) draws them on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "assets" / "a11y.css").read_text()

# Radix Themes 3.3.0 orange and sand scales (sRGB), light / dark.
ORANGE_9 = "#f76b15"  # solid button background, both modes
ORANGE_10 = {"light": "#ef5f00", "dark": "#ff801f"}  # solid button on hover
ORANGE_11_DARK = "#ffa057"  # dark mode's orange text, kept
ORANGE_A3 = {"light": ("#fb6a00", 0x25 / 255), "dark": ("#ff9c00", 0x29 / 255)}  # soft notice tint
ORANGE_A4 = {"light": ("#ff5900", 0x39 / 255), "dark": ("#ff9101", 0x4A / 255)}  # soft badge tint on hover
PAGE = {"light": ["#ffffff", "#fdfdfc", "#f9f9f8"], "dark": ["#111110", "#191918"]}  # background, gray-1, panel


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over(colour: str, alpha: float, background: str) -> str:
    """A translucent colour as it looks over an opaque background."""
    fg, bg = colour.lstrip("#"), background.lstrip("#")
    return "#" + "".join(f"{round(int(fg[i:i + 2], 16) * alpha + int(bg[i:i + 2], 16) * (1 - alpha)):02x}"
                         for i in (0, 2, 4))


def declared(selector: str, prop: str) -> str:
    block = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert block, f"{selector} is not in assets/a11y.css"
    value = re.search(re.escape(prop) + r":\s*(#[0-9a-fA-F]{6})\s*;", block.group(1))
    assert value, f"{prop} is not set to a #rrggbb colour under {selector}"
    return value.group(1)


def test_the_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", ORANGE_9) == pytest.approx(2.97, abs=0.01)  # the defect: white on orange


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_text_on_a_primary_button_meets_aa(mode):
    text = declared("html .radix-themes", "--orange-contrast")
    for background in (ORANGE_9, ORANGE_10[mode]):
        assert contrast(text, background) >= 4.5, (text, background)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_orange_notice_and_link_text_meets_aa(mode):
    text = {"light": declared("html .light-theme", "--orange-11"), "dark": ORANGE_11_DARK}[mode]
    if mode == "light":
        assert declared("html .light-theme", "--orange-a11") == text
    for page in PAGE[mode]:
        for tint in (ORANGE_A3[mode], ORANGE_A4[mode]):
            background = over(*tint, page)
            assert contrast(text, background) >= 4.5, (text, background)
        assert contrast(text, page) >= 4.5, (text, page)


def test_the_stylesheet_is_loaded_by_the_app():
    app_source = (Path(__file__).resolve().parents[2] / "vigor_app" / "vigor_app.py").read_text()
    assert '"/a11y.css"' in app_source


# Radix Themes 3.3.0 light steps 3 and 4 (soft badge and notice, hovered) and the page behind them.
TINTS = {"green": ("#e6f6eb", "#d6f1df"), "red": ("#feebec", "#ffdbdc"), "amber": ("#fff7c2", "#ffee9c")}


@pytest.mark.parametrize("colour", TINTS)
def test_green_red_and_amber_text_meets_aa_on_their_tints(colour):
    text = declared("html .light-theme", f"--{colour}-11")
    assert declared("html .light-theme", f"--{colour}-a11") == text
    for background in (*TINTS[colour], *PAGE["light"]):
        assert contrast(text, background) >= 4.5, (colour, text, background)


def test_links_in_text_are_underlined():
    assert re.search(r"\.rt-Link\.rt-underline-auto\s*\{\s*text-decoration-line:\s*underline;", CSS)


# sonner 2.0's light tints behind its rich-colour toasts (hsl values from its stylesheet, as sRGB).
TOAST_TINTS = {"success": "#ecfdf3", "info": "#f0f8ff", "warning": "#fffcf0", "error": "#fff0f0"}


@pytest.mark.parametrize("kind", TOAST_TINTS)
def test_toast_text_meets_aa_on_its_tint(kind):
    text = declared('html [data-sonner-toaster][data-sonner-theme="light"]', f"--{kind}-text")
    assert contrast(text, TOAST_TINTS[kind]) >= 4.5, (kind, text)
