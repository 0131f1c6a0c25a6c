"""Body weight and measurements, one entry per day (a second entry that day updates it), and
the Progress page's series of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy
from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import BodyMetric
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.units import KG, LB, read_number, to_kg

# field: (label, low, high)
FIELDS: dict[str, tuple[str, float, float]] = {
    "weight_kg": ("Body weight", 20.0, 400.0),
    "body_fat_pct": ("Body fat", 2.0, 75.0),
    "waist_cm": ("Waist", 30.0, 250.0),
    "chest_cm": ("Chest", 40.0, 250.0),
    "arms_cm": ("Arms", 10.0, 100.0),
    "thighs_cm": ("Thighs", 20.0, 150.0),
}


@dataclass(frozen=True)
class MetricEntry:
    id: int
    measured_on: date
    values: dict[str, float | None]


def _value(name: str, raw, weight_unit: str) -> float | None:
    label, low, high = FIELDS[name]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = read_number(raw)
    except ValueError as exc:
        raise ValidationError(f"{label} must be a number.", field=name) from exc
    if name == "weight_kg" and weight_unit == LB:
        value = to_kg(value, LB)
    if value != value or not low <= value <= high:
        raise ValidationError(f"{label} must be between {low:g} and {high:g}.", field=name)
    return round(value, 2)


def record(user_id: int, measured_on: date, values: dict, *, weight_unit: str = KG,
           now: datetime | None = None) -> MetricEntry:
    """Save that day's measurements (at least one); unknown fields are refused. The body
    weight is read in `weight_unit` and stored in kilograms."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown measurement {sorted(unknown)[0]!r}.")
    checked = {name: _value(name, values.get(name), weight_unit) for name in FIELDS}
    if all(v is None for v in checked.values()):
        raise ValidationError("Enter at least one measurement.", field="weight_kg")
    now = now or utcnow()
    if measured_on > (now + timedelta(days=1)).date():
        raise ValidationError("That date is in the future.", field="measured_on")
    with db.transaction() as session:
        row = session.exec(select(BodyMetric).where(BodyMetric.user_id == user_id,
                                                    BodyMetric.measured_on == measured_on)).first()
        if row is None:
            row = BodyMetric(user_id=user_id, measured_on=measured_on, created_at=now)
        for name, value in checked.items():
            if value is not None:
                setattr(row, name, value)
        session.add(row)
        session.flush()
        return MetricEntry(id=row.id or 0, measured_on=row.measured_on,
                           values={name: getattr(row, name) for name in FIELDS})


def entries(user_id: int, limit: int = 60) -> list[MetricEntry]:
    with db.read_only() as session:
        rows = session.exec(select(BodyMetric).where(BodyMetric.user_id == user_id)
                            .order_by(col(BodyMetric.measured_on).desc()).limit(limit)).all()
        return [MetricEntry(id=r.id or 0, measured_on=r.measured_on,
                            values={name: getattr(r, name) for name in FIELDS}) for r in rows]


def delete(user_id: int, entry_id: int) -> None:
    with db.transaction() as session:
        row = session.get(BodyMetric, entry_id)
        if row is None or row.user_id != user_id:
            raise NotFound("That measurement does not exist.")
        session.delete(row)


# --- the chart ----------------------------------------------------------------------------

BODY_FIELDS: tuple[str, ...] = tuple(FIELDS)


@dataclass(frozen=True)
class BodySeries:
    """Body metrics by day (oldest first). ``fields`` lists the metrics with any value;
    every point carries every field in ``BODY_FIELDS`` (None where not measured that day)."""

    fields: list[str]
    points: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def body_series(user_id: int) -> BodySeries:
    """Every measurement of the person, by day, for a chart (on (user_id, measured_on))."""
    columns = [getattr(BodyMetric, name) for name in BODY_FIELDS]
    with db.read_only() as session:
        rows = session.execute(
            sqlalchemy.select(col(BodyMetric.measured_on), *columns)
            .where(col(BodyMetric.user_id) == user_id)
            .order_by(col(BodyMetric.measured_on))
        ).all()
    points = [{"x": row[0].isoformat(), **dict(zip(BODY_FIELDS, row[1:], strict=True))}
              for row in rows]
    present = [name for name in BODY_FIELDS if any(p[name] is not None for p in points)]
    return BodySeries(fields=present, points=points)
