"""Reading an uploaded file, whatever app wrote it: its bytes (read in chunks, at most 5 MB),
its CSV lines with their line numbers, and each cell (a number, a weight, a distance, a date,
a duration, a piece of text) checked against the set rules (`training/set_values.py`).

A cell's problem is a `RowError` worded for a person; the reader of the file adds the line.
Nothing here touches the database.
"""

from __future__ import annotations

import csv
import inspect
import io
import math
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache

from vigor_app.clock import as_utc
from vigor_app.services.errors import FileError
from vigor_app.services.text_rules import has_control_characters
from vigor_app.services.training import set_values
from vigor_app.services.units import KM, METRES_PER, MI, distance_unit, to_kg, to_metres

MAX_BYTES = 5 * 1024 * 1024
READ_CHUNK = 64 * 1024  # an upload is read this much at a time
EARLIEST = datetime(1900, 1, 1)  # the earliest local start a file may hold
MAX_DURATION_SECONDS = 24 * 3600
FUTURE_SLACK = timedelta(days=1)  # a file's times may run ahead of the clock by a time zone
METRES = "m"  # a distance unit a file may name besides km and mi

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d %b %Y, %H:%M",
    "%d %b %Y, %H:%M:%S",
    "%d %B %Y, %H:%M",
)
_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")
_DISTANCE_UNITS = {"km": KM, "kms": KM, "kilometers": KM, "kilometres": KM, "mi": MI, "mile": MI,
                   "miles": MI, "m": METRES, "meters": METRES, "metres": METRES}


class RowError(Exception):
    """A problem with one cell or row; the message is completed with the line number."""


def decode(text: str | bytes) -> str:
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise too_big(size)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileError("This file is not UTF-8 text. Export it again as CSV or JSON.") from exc
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileError("This file is empty.")
    return text


def csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (lower-case, trimmed) and an iterator of (first line number, cells) for the
    data rows; the delimiter is ';' or ',', whichever the header line holds more of."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileError("This file has no header line.", line=1) from exc
    header = [cell.strip().lower() for cell in header]

    def data() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        while True:
            start = last + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileError(f"Line {start}: this line is not valid CSV ({exc}).", line=start) from exc
            last = reader.line_num
            yield start, cells

    return header, data()


def number(raw: object, what: str, *, integer: bool, low: float, high: float) -> float | None:
    """`set_values.read_value` for a cell (text, or a JSON number), its problem worded with
    the cell's own text; None when blank."""
    try:
        return set_values.read_value(raw, low=low, high=high, integer=integer)
    except set_values.NumberProblem as problem:
        shown = str(raw).strip()[:40]
        if problem.kind == set_values.NOT_A_NUMBER:
            raise RowError(f"{what} must be a number, not \"{shown}\".") from None
        if problem.kind == set_values.NOT_WHOLE:
            raise RowError(f"{what} must be a whole number, not {shown}.") from None
        if low == 0 and problem.number is not None and problem.number < low:
            raise RowError(f"{what} cannot be negative ({shown}).") from None
        raise RowError(f"{what} must be between {low:g} and {high:g}, not {shown}.") from None


def whole(raw: object, what: str, high: float, low: float = 0) -> int | None:
    value = number(raw, what, integer=True, low=low, high=high)
    return None if value is None else int(value)


def reps(raw: object, what: str = "Reps") -> int | None:
    return whole(raw, what, set_values.MAX_REPS)


def seconds(raw: object, what: str = "Seconds") -> int | None:
    return whole(raw, what, set_values.MAX_SECONDS)


def weight_kg(raw: object, unit: str, what: str = "Weight") -> float | None:
    """A weight in `unit` (kg or lb) as kilograms to 2 places; at most MAX_WEIGHT_KG."""
    value = number(raw, what, integer=False, low=0, high=math.inf)
    if value is None:
        return None
    kilograms = round(to_kg(value, unit), 2)
    if kilograms > set_values.MAX_WEIGHT_KG:
        raise RowError(f"{what} {str(raw).strip()[:20]} {unit} is more than {set_values.MAX_WEIGHT_KG:g} kg; "
                       "check the number and the unit.")
    return kilograms


def distance_m(raw: object, unit: str, what: str = "Distance") -> float | None:
    """A distance in `unit` (km, mi, or m for metres; a weight unit means its distance unit)
    as metres; at most MAX_DISTANCE_M. Kilometres and miles are kept to the nearest metre,
    as the logger keeps them (`set_values.check_distance`)."""
    value = number(raw, what, integer=False, low=0, high=math.inf)
    if value is None:
        return None
    metres = round(value, 2) if unit == METRES else float(round(to_metres(value, unit)))
    if metres > set_values.MAX_DISTANCE_M:
        shown = "m" if unit == METRES else distance_unit(unit)
        raise RowError(f"{what} {str(raw).strip()[:20]} {shown} is more than "
                       f"{set_values.MAX_DISTANCE_M / METRES_PER[KM]:g} km; check the number and the unit.")
    return metres


def rpe(raw: object, what: str = "RPE") -> float | None:
    return number(raw, what, integer=False, low=set_values.RPE_LOW, high=set_values.RPE_HIGH)


def weight_unit(raw: str, default: str) -> str:
    text = raw.strip().lower()
    if not text:
        return default
    if text in ("kg", "kgs"):
        return "kg"
    if text in ("lb", "lbs"):
        return "lb"
    raise RowError(f"The weight unit \"{raw.strip()[:20]}\" is neither kg nor lbs.")


def distance_unit_cell(raw: str, default: str) -> str:
    """km, mi or m as a file names it; `default` (km, mi, or a weight unit) when blank."""
    text = raw.strip().lower()
    if not text:
        return distance_unit(default)
    if text not in _DISTANCE_UNITS:
        raise RowError(f"The distance unit \"{raw.strip()[:20]}\" is not km, mi or m.")
    return _DISTANCE_UNITS[text]


def text(raw: object, what: str, limit: int) -> str:
    """A text cell without the spaces around it and cut to `limit` characters; control
    characters (other than line breaks and tabs) are refused."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise RowError(f"{what} must be text.")
    value = raw.strip()
    if has_control_characters(value):
        raise RowError(f"{what} holds control characters; remove them and export again.")
    return value[:limit].strip()


@lru_cache(maxsize=4096)
def _parse_datetime(value: str) -> datetime | None:
    """`value` read with the first of DATE_FORMATS that fits (cached: every set repeats it)."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def local_datetime(raw: str, what: str) -> datetime:
    """A naive local date and time, as the apps write them."""
    value = " ".join(raw.split())
    if not value:
        raise RowError(f"The {what} is empty.")
    found = _parse_datetime(value)
    if found is None:
        raise RowError(f"\"{raw.strip()[:40]}\" is not a {what} we can read (like 2024-01-15 07:30:00 "
                       "or 15 Jan 2024, 07:30).")
    return found


def utc_datetime(raw: object, what: str) -> datetime | None:
    """An ISO 8601 time (Vigor's files: ``2024-01-15T07:30:00+00:00``) as aware UTC; a time
    without an offset is UTC. None when blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        raise RowError(f"The {what} must be a date and time like 2024-01-15T07:30:00+00:00.")
    try:
        found = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise RowError(f"\"{raw.strip()}\" is not a {what} we can read (like 2024-01-15T07:30:00+00:00).") from None
    if not EARLIEST.year <= found.year < 9999:  # and no zone can carry it past the calendar's ends
        raise RowError(f"The {what} {raw.strip()} is before {EARLIEST.year} or in the future.")
    return as_utc(found)


def duration(raw: str) -> int | None:
    """Seconds for "1h 5m", "45m", "90s", "1:05:00", "45:00" or a plain number of seconds."""
    value = raw.strip().lower()
    if not value:
        return None
    found_seconds: int | None = None
    clock = _CLOCK.match(value)
    found = _DURATION.match(value)
    if value.isdigit():
        found_seconds = int(value)
    elif clock:
        hours_or_minutes, minutes_or_seconds, last = clock.groups()
        if last is None:  # "mm:ss"
            found_seconds = int(hours_or_minutes) * 60 + int(minutes_or_seconds)
        else:
            found_seconds = int(hours_or_minutes) * 3600 + int(minutes_or_seconds) * 60 + int(last)
    elif found and any(found.groups()):
        hours, minutes, secs = (int(part or 0) for part in found.groups())
        found_seconds = hours * 3600 + minutes * 60 + secs
    if found_seconds is None:
        raise RowError(f"The duration \"{raw.strip()[:40]}\" is not one we can read (like 1h 5m or 45m).")
    if found_seconds > MAX_DURATION_SECONDS:
        raise RowError(f"The duration \"{raw.strip()[:40]}\" is longer than a day.")
    return found_seconds


def latest_local(now: datetime) -> datetime:
    """The latest local start a file may hold, whatever the person's zone (zones run at most
    14 hours ahead of UTC; the exact check, in the person's zone, follows)."""
    return (as_utc(now) + FUTURE_SLACK + timedelta(hours=14)).replace(tzinfo=None)


async def read_upload(upload, limit: int = MAX_BYTES) -> bytes:
    """The bytes of an uploaded file, read a chunk at a time; a file over `limit` bytes is
    refused (FileError) as soon as it shows, after reading at most ``limit + 1`` bytes of
    it. `upload` has ``read(size)`` (awaitable or not) and may say its ``size``."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_big(size)
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = upload.read(min(READ_CHUNK, limit + 1 - total))
        if inspect.isawaitable(chunk):
            chunk = await chunk
        if not chunk:
            break
        chunks.append(bytes(chunk))
        total += len(chunk)
    if total > limit:
        raise too_big(None)
    return b"".join(chunks)


def too_big(size: int | None) -> FileError:
    most = f"{MAX_BYTES // (1024 * 1024)} MB"
    said = f"This file is {size / 1024 / 1024:.1f} MB" if size is not None else "This file is over " + most
    return FileError(f"{said}; the most we take is {most}. Export a shorter date range and "
                     "import the parts one by one.")
