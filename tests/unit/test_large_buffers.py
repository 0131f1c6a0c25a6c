"""A password hash's 19 MiB buffer goes back to the system once the hash is done, whichever
thread made it (`startup.return_large_buffers`, called when the app starts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Hashes with the real parameters in six threads, as a burst of sign-ins does; prints how much
# the process's resident memory grew, in MB.
_HASH_IN_THREADS = """
import concurrent.futures, sys
from vigor_app import startup
from vigor_app.services.accounts import passwords
if sys.argv[1] == "returned":
    assert startup.return_large_buffers()
def resident_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
before = resident_mb()
with concurrent.futures.ThreadPoolExecutor(6) as pool:
    hashes = list(pool.map(lambda i: passwords.hash_password("Squat-Rack-2026"), range(36)))
    grown = resident_mb() - before
assert all(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in hashes)
print(round(grown))
"""


def _growth(mode: str) -> int:
    ran = subprocess.run([sys.executable, "-c", _HASH_IN_THREADS, mode], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    return int(ran.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads resident memory from /proc")
def test_hash_buffers_are_handed_back_not_kept_by_each_thread():
    kept = _growth("default")
    returned = _growth("returned")
    assert kept >= 3 * 19, f"glibc kept {kept} MB: this malloc does not keep large buffers, nothing to show"
    assert returned < 19, f"{returned} MB stayed after the hashes"
