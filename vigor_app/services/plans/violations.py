"""One broken plan rule: its stable code, a readable message and where in the plan.

The hard rules (``validation``) and the soft rules (``soft_rules``) both report these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    where: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message
