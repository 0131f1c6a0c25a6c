"""Distances, paces and typed times: kilometres for kg people, miles for lb people."""

from __future__ import annotations

import pytest

from vigor_app.services.errors import ValidationError
from vigor_app.services.training.set_values import MAX_SECONDS, check_clock, check_distance
from vigor_app.services.units import (
    clock_text,
    distance_text,
    distance_unit,
    entry_distance,
    from_metres,
    pace_text,
    to_metres,
)


def test_a_person_runs_in_the_distance_unit_of_their_weight_unit():
    assert distance_unit("kg") == "km" and distance_unit("lb") == "mi" and distance_unit("mi") == "mi"
    assert to_metres(5, "kg") == 5000 and to_metres(1, "lb") == pytest.approx(1609.344)
    assert from_metres(to_metres(0.53, "lb"), "lb") == pytest.approx(0.53)
    assert distance_text(1200, "kg") == "1.2 km" and distance_text(853, "lb") == "0.53 mi"
    assert entry_distance(None, "kg") == "" and distance_text(None, "lb") == ""


def test_clock_and_pace_are_written_as_a_runner_reads_them():
    assert clock_text(1530) == "25:30" and clock_text(3723) == "1:02:03" and clock_text(59) == "0:59"
    assert pace_text(1500, 5000, "kg") == "5:00 /km"
    assert pace_text(1500, 5000, "lb") == "8:03 /mi"
    assert pace_text(0, 5000, "kg") == "" and pace_text(1500, None, "kg") == ""


@pytest.mark.parametrize(("typed", "minutes", "seconds"), [
    ("25:30", True, 1530), ("1:02:03", True, 3723), ("25", True, 1500), ("2.5", True, 150),
    ("45", False, 45), (" 0:45 ", False, 45), ("", True, None), (None, True, None),
])
def test_a_typed_time_is_read_in_seconds(typed, minutes, seconds):
    assert check_clock(typed, plain_minutes=minutes) == seconds


@pytest.mark.parametrize("typed", ["abc", "1:99", "-3", "1:2:3:4", "1:x", "nan", True, [1], "1:-5"])
def test_a_time_that_is_not_one_is_refused_on_the_seconds_field(typed):
    with pytest.raises(ValidationError) as refused:
        check_clock(typed, plain_minutes=True)
    assert refused.value.field == "seconds"


def test_a_time_longer_than_a_set_may_last_is_refused():
    with pytest.raises(ValidationError, match="at most 4 hours"):
        check_clock(f"{MAX_SECONDS // 60 + 1}", plain_minutes=True)


def test_a_typed_distance_is_stored_in_whole_metres():
    assert check_distance("5.2", "kg") == 5200
    assert check_distance("3,1", "lb") == round(3.1 * 1609.344)
    assert check_distance("", "kg") is None
    for bad in ("-1", "far", "600"):
        with pytest.raises(ValidationError) as refused:
            check_distance(bad, "kg")
        assert refused.value.field == "distance"
