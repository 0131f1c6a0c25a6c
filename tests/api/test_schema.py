"""Schemathesis against the app's own OpenAPI document: every operation is called over real HTTP
with generated requests, as a member (and as an admin for the admin endpoints), on a world with
real data. No answer may be a 5xx, and every answer must match the documented schema (status
code, content type, body, headers)."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis

from tests.api.conftest import new_admin, new_member
from vigor_app.public_api.app import public_api
from vigor_app.services.training import workout_entries, workout_sessions, workout_sets

schema = schemathesis.openapi.from_dict(public_api.openapi())

# Every check runs but two, which hold the schema to the services' rules: the services refuse
# values the schema cannot express (a blank workout name, an exercise not in the library, an
# RPE of 0) with a 422 in the error shape, and pydantic accepts a number where the schema says
# a date-time. What is checked: no 5xx; each status code, content type, body and header as
# documented; refused methods; auth that is not ignored; deleted resources gone.
NOT_IN_THE_SCHEMA = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection]

# Each operation runs this many generated requests (the suite runs them all in make test).
EXAMPLES = 30


@pytest.fixture
def world(running_app):
    """A member with an open workout holding a logged set, and an admin."""
    member = new_member("alice")
    view = workout_sessions.start_freestyle(member.id)
    view = workout_entries.add_exercise(member.id, view.id, "barbell-back-squat")
    workout_sets.save_set(member.id, view.entries[0].sets[0].id, reps=5, weight_kg=80)
    return running_app, member, new_admin()


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_within_its_schema(case, world):
    running_app, member, admin = world
    token = admin.token if case.path.startswith("/admin") else member.token
    case.call_and_validate(base_url=running_app.url + "/api/v1", headers={"Authorization": f"Bearer {token}"},
                           excluded_checks=NOT_IN_THE_SCHEMA)
