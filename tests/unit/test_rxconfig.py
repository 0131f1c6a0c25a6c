"""rxconfig.py: where the tabs' state lives in each shape (docs/operations.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = "import rxconfig; print(rxconfig.config.state_manager_mode.value)"


def _mode(tmp_path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "REFLEX_", "DATABASE_"))}
    clean.update({"VIGOR_DATA_DIR": str(tmp_path), "SECRET_KEY": "rxconfig-test-secret", **env})
    done = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "memory"),  # one process: in its memory, not pickled to disk and scanned every two seconds
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "redis"),  # several workers share it
])
def test_the_tabs_state_lives_in_memory_unless_redis_is_configured(tmp_path, env, expected):
    assert _mode(tmp_path, **env) == expected
