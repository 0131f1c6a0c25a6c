from datetime import date

import pytest

from tests.factories import make_user
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.training import body_metrics

pytestmark = pytest.mark.usefixtures("database")


def test_one_entry_per_day_updated_in_place():
    me = make_user().user.id
    body_metrics.record(me, date(2026, 11, 1), {"weight_kg": "80.5"})
    body_metrics.record(me, date(2026, 11, 1), {"waist_cm": 84})
    body_metrics.record(me, date(2026, 11, 8), {"weight_kg": 79.9, "body_fat_pct": "18,5"})
    listed = body_metrics.entries(me)
    assert [e.measured_on for e in listed] == [date(2026, 11, 8), date(2026, 11, 1)]
    assert listed[1].values["weight_kg"] == 80.5 and listed[1].values["waist_cm"] == 84
    assert listed[0].values["body_fat_pct"] == 18.5


@pytest.mark.parametrize(
    ("values", "field"),
    [({"weight_kg": "heavy"}, "weight_kg"), ({"weight_kg": 2000}, "weight_kg"), ({"body_fat_pct": -3}, "body_fat_pct"),
     ({}, "weight_kg"), ({"arms_cm": ""}, "weight_kg")],
)
def test_bad_values_are_refused_and_nothing_is_saved(values, field):
    me = make_user().user.id
    with pytest.raises(ValidationError) as caught:
        body_metrics.record(me, date(2026, 11, 1), values)
    assert caught.value.field == field
    assert body_metrics.entries(me) == []


def test_future_dates_and_unknown_fields_are_refused():
    me = make_user().user.id
    with pytest.raises(ValidationError):
        body_metrics.record(me, date(2099, 1, 1), {"weight_kg": 80})
    with pytest.raises(ValidationError):
        body_metrics.record(me, date(2026, 1, 1), {"user_id": 2})


def test_only_the_owner_sees_and_deletes():
    me, other = make_user("alice").user.id, make_user("bob").user.id
    entry = body_metrics.record(me, date(2026, 11, 1), {"weight_kg": 70})
    assert body_metrics.entries(other) == []
    with pytest.raises(NotFound):
        body_metrics.delete(other, entry.id)
    body_metrics.delete(me, entry.id)
    assert body_metrics.entries(me) == []
