"""Markup rules every page keeps, read from the page modules: a heading always says its level
(Radix's default is h1, and a page has exactly one h1: its title)."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "vigor_app"


def _headings_without_a_level(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "heading"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "rx"
            and not any(keyword.arg == "as_" for keyword in node.keywords)]


def test_every_heading_says_its_level():
    found = {str(path.relative_to(APP)): lines for path in APP.rglob("*.py")
             if (lines := _headings_without_a_level(ast.parse(path.read_text())))}
    assert found == {}
