"""Feedback over the API, over real HTTP: a thumbs up or down (and a reason) on a coach message
or a plan, changed and taken back; someone else's item is a 404 and nothing changes; a reason
that breaks the rules is refused in the one error shape; a read-only token cannot vote."""

from __future__ import annotations

from tests.api.conftest import error_of, new_member
from vigor_app.services.ai import feedback
from vigor_app.services.coach import history as coach_history
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles


def _reply(member) -> int:
    conversation = coach_history.start_conversation(member.id)
    coach_history.add_message(member.id, conversation.id, "user", "How am I doing?")
    return coach_history.add_message(member.id, conversation.id, "assistant", "Well.", engine="builtin").id


def _plan(member) -> int:
    profiles.update_profile(member.id, {"equipment": ["dumbbells", "bench"], "days_per_week": 3},
                            finish_onboarding=True)
    return plan_library.create_plan(member.id, seed=3).id


def test_a_vote_on_a_message_is_given_changed_and_taken_back(running_app, alice):
    reply = _reply(alice)
    with running_app.client(alice.token) as api:
        given = api.put(f"/coach/messages/{reply}/feedback", json={"vote": "down", "reason": "Too short"})
        assert given.status_code == 200, given.text
        assert {k: given.json()[k] for k in ("kind", "item_id", "vote", "reason")} == {
            "kind": "coach_reply", "item_id": reply, "vote": "down", "reason": "Too short"}
        kept = api.put(f"/coach/messages/{reply}/feedback", json={"vote": "down"})
        assert kept.json()["reason"] == "Too short"  # the same vote keeps its reason
        changed = api.put(f"/coach/messages/{reply}/feedback", json={"vote": "up"})
        assert (changed.json()["vote"], changed.json()["reason"]) == ("up", "")
        assert api.delete(f"/coach/messages/{reply}/feedback").status_code == 204
        assert feedback.votes(alice.id, feedback.MESSAGE, [reply]) == {}
        assert api.delete(f"/coach/messages/{reply}/feedback").status_code == 204  # nothing left: fine


def test_a_vote_on_a_plan(running_app, alice):
    plan = _plan(alice)
    with running_app.client(alice.token) as api:
        given = api.put(f"/plans/{plan}/feedback", json={"vote": "up"})
        assert given.status_code == 200 and given.json()["kind"] == "plan"
        assert feedback.votes(alice.id, feedback.PLAN, [plan])[plan].vote == feedback.UP
        assert api.delete(f"/plans/{plan}/feedback").status_code == 204
        assert feedback.votes(alice.id, feedback.PLAN, [plan]) == {}


def test_someone_elses_items_are_not_found_and_nothing_changes(running_app, alice, bob):
    reply, plan = _reply(alice), _plan(alice)
    feedback.give(alice.id, feedback.MESSAGE, reply, feedback.UP, reason="Mine")
    with running_app.client(bob.token) as api:
        for response in (api.put(f"/coach/messages/{reply}/feedback", json={"vote": "down"}),
                         api.delete(f"/coach/messages/{reply}/feedback"),
                         api.put(f"/plans/{plan}/feedback", json={"vote": "down"}),
                         api.delete(f"/plans/{plan}/feedback"),
                         api.put("/plans/2147483647/feedback", json={"vote": "up"})):
            assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert (feedback.votes(alice.id, feedback.MESSAGE, [reply])[reply].reason, feedback.votes(
        alice.id, feedback.PLAN, [plan])) == ("Mine", {})


def test_bad_votes_and_reasons_are_refused_in_the_one_shape(running_app, alice):
    reply = _reply(alice)
    with running_app.client(alice.token) as api:
        for body in ({"vote": "sideways"}, {"vote": "up", "extra": 1}, {"reason": "no vote"}):
            response = api.put(f"/coach/messages/{reply}/feedback", json=body)
            assert response.status_code == 422 and error_of(response)
        for reason in ("x" * 281, "bad\u0000byte", "two\nlines"):
            response = api.put(f"/coach/messages/{reply}/feedback", json={"vote": "down", "reason": reason})
            assert response.status_code == 422, response.text
            assert error_of(response)["details"]["field"] == "reason"
        assert api.put("/coach/messages/abc/feedback", json={"vote": "up"}).status_code == 404
    assert feedback.votes(alice.id, feedback.MESSAGE, [reply]) == {}


def test_a_read_only_token_cannot_vote(running_app):
    reader = new_member("reader", scopes=("read",))
    reply = _reply(reader)
    with running_app.client(reader.token) as api:
        response = api.put(f"/coach/messages/{reply}/feedback", json={"vote": "up"})
        assert response.status_code == 403 and error_of(response)
    assert feedback.votes(reader.id, feedback.MESSAGE, [reply]) == {}
