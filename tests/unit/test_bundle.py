"""The production build's script groups (vigor_app/bundle.py): they go into the vite.config.js
this Reflex version writes, and no page names an icon by a Var (which would pull every Lucide
icon into the icons group that every page loads)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vigor_app.bundle import ANCHOR, CHART_PACKAGES, VENDOR_PACKAGES, add_chunk_groups

APP = Path(__file__).resolve().parents[2] / "vigor_app"


def _reflex_vite_config() -> str:
    from reflex.utils.frontend_skeleton import _compile_vite_config
    from reflex_base.config import get_config

    return _compile_vite_config(get_config())


def test_the_groups_go_into_reflexs_own_vite_config_once():
    config = _reflex_vite_config()
    assert ANCHOR in config  # this Reflex version's shape
    grouped = add_chunk_groups(config)
    assert [grouped.count(f'name: "{name}"') for name in ("vendor", "charts", "icons")] == [1, 1, 1]
    assert grouped.index('name: "reflex-env"') < grouped.index('name: "vendor"')
    assert add_chunk_groups(grouped) == grouped  # a second compile changes nothing


def test_a_changed_config_shape_stops_the_build_with_a_clear_message():
    with pytest.raises(RuntimeError, match="bundle.py"):
        add_chunk_groups("export default {}")


def _group(name: str) -> re.Pattern:
    grouped = add_chunk_groups(_reflex_vite_config())
    return re.compile(re.search(rf'test: /(.+)/,\n\s*name: "{name}"', grouped).group(1))


def test_the_vendor_pattern_matches_its_packages_and_not_the_page_only_libraries():
    vendor = _group("vendor")
    for package in VENDOR_PACKAGES:
        assert vendor.search(f"/app/.web/node_modules/{package}/dist/index.js"), package
    for page_only in ("recharts", "react-markdown", "react-dropzone", "d3-shape", "lucide-react", "react-redux",
                      "reactions"):
        assert not vendor.search(f"/app/.web/node_modules/{page_only}/index.js"), page_only


def test_the_charts_pattern_holds_recharts_and_what_it_runs_on_only():
    charts = _group("charts")
    for package in CHART_PACKAGES:
        assert charts.search(f"/app/.web/node_modules/{package}/lib/index.js"), package
    for other in ("react", "react-dom", "@radix-ui", "lucide-react", "redux-saga"):
        assert not charts.search(f"/app/.web/node_modules/{other}/index.js"), other


def _icon_named_by_a_var(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        is_rx_icon = node.func.attr == "icon" and isinstance(node.func.value, ast.Name) and node.func.value.id == "rx"
        if is_rx_icon and node.args and not (isinstance(node.args[0], ast.Constant)
                                                 and isinstance(node.args[0].value, str)):
            if not _is_parameter_of_a_literal_table(node.args[0]):
                lines.append(node.lineno)
        for keyword in node.keywords:
            if keyword.arg == "icon" and isinstance(keyword.value, ast.Call):  # icon=rx.cond(...)
                lines.append(node.lineno)
    return lines


def _is_parameter_of_a_literal_table(arg: ast.expr) -> bool:
    """`rx.icon(item.icon)` or `rx.icon(icon)` inside a helper called with literal names (the
    navigation and the landing page's features): a Python string when the page is built."""
    return isinstance(arg, ast.Name | ast.Attribute)


def test_no_page_names_an_icon_by_a_var():
    found = {}
    for path in APP.rglob("*.py"):
        lines = _icon_named_by_a_var(ast.parse(path.read_text()))
        if lines:
            found[str(path.relative_to(APP))] = lines
    assert found == {}


def test_pages_draw_charts_through_the_components_that_load_recharts_on_demand():
    """`rx.recharts` imports the library statically (every page with a chart would wait for it
    before painting); `vigor_app/components/charts.py` holds the same charts, loaded on demand."""
    direct = [str(path.relative_to(APP)) for path in (APP / "pages").rglob("*.py")
              if "rx.recharts." in path.read_text()]
    assert direct == []


def test_a_chart_from_the_chart_components_imports_nothing_of_recharts_statically_and_keeps_its_space():
    from vigor_app.components import charts

    chart = charts.line_chart(charts.line(data_key="kg"), charts.x_axis(data_key="day"), charts.y_axis(),
                              charts.cartesian_grid(), charts.legend(), charts.graphing_tooltip(),
                              data=[{"day": "Mon", "kg": 60}], height=200)
    static = [var.tag for library, found in chart._get_all_imports().items() if library.startswith("recharts")
              for var in found if var.render]
    assert static == []
    assert '["height"] : "200px"' in str(chart)  # its space kept while the library loads (no layout shift)
    loaded = " ".join(chart._get_all_dynamic_imports())
    for name in ("ResponsiveContainer", "LineChart", "Line", "XAxis", "YAxis", "CartesianGrid", "Legend", "Tooltip"):
        assert f"mod.{name})" in loaded, name
