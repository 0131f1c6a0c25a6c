"""The exercise library over the API, over real HTTP: search and filters as on the Exercises
page, the member's own custom exercises beside the catalogue's, never another member's."""

from __future__ import annotations

from tests.api.conftest import error_of
from vigor_app import db
from vigor_app.models import Exercise
from vigor_app.services.catalogue import browser


def _custom(owner: int, exercise_id: str, name: str, **details) -> None:
    with db.transaction() as session:
        session.add(Exercise(id=exercise_id, name=name, pattern="carry", level="beginner",
                             details={"timed": True, **details}, is_custom=True, owner_user_id=owner))


def test_the_catalogue_is_searched_and_filtered_a_page_at_a_time(running_app, alice):
    with running_app.client(alice.token) as api:
        everything = api.get("/exercises", params={"limit": 100})
        assert everything.status_code == 200, everything.text
        names = [e["name"] for e in everything.json()["items"]]
        assert everything.json()["total"] == len(browser.browse()) and len(names) == 100
        assert names == sorted(names, key=str.casefold)
        second = api.get("/exercises", params={"limit": 10, "offset": 10}).json()
        assert [e["name"] for e in second["items"]] == names[10:20]
        squats = api.get("/exercises", params={"q": "squat"}).json()
        assert squats["items"][0]["id"] == "barbell-back-squat"
        assert all("squat" in e["name"].lower() for e in squats["items"][:5])
        filtered = api.get("/exercises", params={"muscle": "quads", "equipment": "barbell", "pattern": "squat"}).json()
        assert filtered["total"] == len(browser.browse(muscle="quads", equipment="barbell", pattern="squat")) > 0
        assert all("quads" in e["primary_muscles"] and "barbell" in e["equipment"] and e["pattern"] == "squat"
                   for e in filtered["items"])
        one = api.get("/exercises/barbell-back-squat")
        assert one.status_code == 200
        assert one.json() == {**one.json(), "name": "Barbell back squat", "custom": False, "rep_range": [3, 10],
                              "equipment": ["barbell"], "unsafe_for": ["knee", "lower_back"]}


def test_a_members_own_exercises_are_theirs_alone(running_app, alice, bob):
    _custom(alice.id, "custom-1-yoke-walk", "Yoke walk")
    with running_app.client(alice.token) as api:
        found = api.get("/exercises", params={"q": "yoke"}).json()
        assert [(e["id"], e["custom"], e["timed"]) for e in found["items"]] == [("custom-1-yoke-walk", True, True)]
        assert "custom-1-yoke-walk" in {e["id"] for e in api.get("/exercises", params={"pattern": "carry",
                                                                                        "limit": 100}).json()["items"]}
        assert "custom-1-yoke-walk" not in {e["id"] for e in api.get("/exercises", params={"pattern": "squat",
                                                                                            "limit": 100}).json()["items"]}
        assert api.get("/exercises/custom-1-yoke-walk").json()["name"] == "Yoke walk"
    with running_app.client(bob.token) as api:
        assert api.get("/exercises", params={"q": "yoke"}).json() == {"total": 0, "items": []}
        hidden = api.get("/exercises/custom-1-yoke-walk")
        assert hidden.status_code == 404
        unknown = api.get("/exercises/no-such-move")
        assert unknown.status_code == 404
        assert error_of(hidden) | {"request_id": ""} == error_of(unknown) | {"request_id": ""}


def test_unknown_filters_and_bad_paging_are_refused(running_app, alice):
    with running_app.client(alice.token) as api:
        wrong = api.get("/exercises", params={"muscle": "wings"})
        assert wrong.status_code == 422
        assert error_of(wrong) == {**error_of(wrong), "code": "invalid", "details": {"field": "muscle"}}
        for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"q": "x" * 101}):
            refused = api.get("/exercises", params=params)
            assert refused.status_code == 422, params
            assert error_of(refused)["code"] == "invalid_request"
        assert api.get("/exercises/" + "x" * 81).status_code == 422


def test_the_library_needs_a_token(running_app):
    with running_app.client() as api:
        assert error_of(api.get("/exercises"))["code"] == "unauthorized"
