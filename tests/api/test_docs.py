"""docs/api.md names every path of the API, so the document cannot fall behind the code."""

from __future__ import annotations

import re
from pathlib import Path

from vigor_app.public_api.app import public_api

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_the_endpoint_table_names_every_operation_and_no_other():
    table = DOC.read_text(encoding="utf-8").split("## Endpoints", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`]*)`", table))
    served = {(method.upper(), path) for path, operations in public_api.openapi()["paths"].items()
              for method in operations}
    assert served - documented == set(), "add these to docs/api.md"
    assert documented - served == set(), "these are in docs/api.md but not served"
