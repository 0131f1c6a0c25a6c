"""What this process's scheduler reports: running or not (and why not), with its jobs.

The scheduler (`services/scheduler.py`) registers itself here while it runs; the admin
console's System page reads `status()` without importing the jobs themselves.
"""

from __future__ import annotations

from typing import Protocol

from vigor_app.settings import get_settings


class Reporting(Protocol):
    def status(self) -> dict: ...


_current: Reporting | None = None  # this process's scheduler, while the app runs


def running(scheduler: Reporting | None) -> None:
    """The scheduler now running in this process (None once it stops)."""
    global _current
    _current = scheduler


def status() -> dict:
    """This worker's scheduler: running or not (and why not), with its jobs."""
    if not get_settings().scheduler_enabled:
        return {"running": False, "reason": "SCHEDULER_ENABLED=false in this process"}
    if _current is None:
        return {"running": False, "reason": "not started in this process"}
    return _current.status()
