"""Racing threads for the tests that check what the database decides when requests collide."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(work: Callable[[int], Any], count: int) -> list:
    """Run work(i) in `count` threads released together; each result, or the exception raised."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def racer(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - returned and asserted by the test
            results[i] = exc

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
