"""Members' thumbs on the coach's messages and their plans (services/ai/feedback.py): given,
replaced, cleared; only on their own items; reasons checked; kept in the export; gone with the
account."""

import csv
import io

import pytest
from sqlmodel import select

from tests.factories import DEFAULT_PASSWORD, make_user
from vigor_app import db
from vigor_app.models import AiAttempt, CoachMessage, WorkoutPlan
from vigor_app.models.feedback import AiFeedback
from vigor_app.services.ai import feedback
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import replies as coach_replies
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.services.your_data import deletion
from vigor_app.services.your_data import export as data_export

pytestmark = pytest.mark.usefixtures("database")


def _member(name):
    user = make_user(name).user.id
    profiles.update_profile(user, {"equipment": ["dumbbells", "bench"], "days_per_week": 3},
                            finish_onboarding=True)
    return user


async def _reply(user_id, text="What should I train today?"):
    """A real coach reply: the question stored, the gateway's answer (the built-in engine
    here) streamed and stored."""
    turn = await coach_replies.begin_turn(user_id, 0, text)
    events = [event async for event in turn.reply()]
    return events[-1].message


def _rows():
    with db.read_only() as session:
        return list(session.exec(select(AiFeedback).order_by(AiFeedback.id)).all())


@pytest.fixture
def alice():
    return _member("alice")


async def test_a_reply_keeps_the_request_that_wrote_it_and_its_vote_keeps_it_too(alice):
    message = await _reply(alice)
    with db.read_only() as session:
        stored = session.get(CoachMessage, message.id)
        final = session.exec(select(AiAttempt).where(AiAttempt.request_id == stored.ai_request_id,
                                                     AiAttempt.final)).one()
    assert final.engine == "builtin" and len(stored.ai_request_id) == 32

    given = feedback.give(alice, feedback.MESSAGE, message.id, feedback.DOWN, reason="Too long")
    assert (given.kind, given.vote, given.reason) == ("coach_reply", -1, "Too long")
    [row] = _rows()
    assert (row.request_id, row.engine, row.message_id, row.plan_id) == (stored.ai_request_id, "builtin",
                                                                        message.id, None)


async def test_a_new_vote_replaces_the_old_and_the_same_thumb_again_clears_it(alice):
    message = await _reply(alice)
    assert feedback.press(alice, feedback.MESSAGE, message.id, feedback.DOWN) == feedback.DOWN
    feedback.set_reason(alice, feedback.MESSAGE, message.id, "  Not about my plan  ")
    assert feedback.votes(alice, feedback.MESSAGE, [message.id])[message.id].reason == "Not about my plan"

    assert feedback.press(alice, feedback.MESSAGE, message.id, feedback.UP) == feedback.UP
    [row] = _rows()
    assert (row.vote, row.reason) == (1, "")  # the reason went with the vote it explained

    assert feedback.press(alice, feedback.MESSAGE, message.id, feedback.UP) == 0
    assert _rows() == [] and feedback.votes(alice, feedback.MESSAGE, [message.id]) == {}
    feedback.clear(alice, feedback.MESSAGE, message.id)  # nothing to clear is fine


async def test_a_plan_from_the_gateway_takes_feedback_of_its_own_kind(alice):
    generated = await plan_library.create_plan_via_gateway(alice, seed=4)
    with db.read_only() as session:
        request_id = session.get(WorkoutPlan, generated.plan.id).ai_request_id
    assert request_id
    feedback.press(alice, feedback.PLAN, generated.plan.id, feedback.UP)
    [row] = _rows()
    assert (row.kind, row.plan_id, row.request_id, row.vote) == ("plan", generated.plan.id, request_id, 1)

    # Written again in place by the built-in engine: the old vote stays with the old request only.
    plan_library.regenerate_plan(alice, generated.plan.id, seed=9)
    assert feedback.votes(alice, feedback.PLAN, [generated.plan.id]) == {}
    [row] = _rows()
    assert (row.plan_id, row.request_id) == (None, request_id)


async def test_analysis_and_daily_notes_are_their_own_kinds(alice):
    note = coach_history.post_from_coach(alice, "motivation", "Good week.", engine="builtin")
    analysis = coach_history.post_from_coach(alice, "analysis", "Two records.", engine="builtin")
    assert feedback.give(alice, feedback.MESSAGE, note.id, feedback.UP).kind == "motivation"
    assert feedback.give(alice, feedback.MESSAGE, analysis.id, feedback.DOWN).kind == "analysis"


async def test_someone_elses_message_or_plan_or_own_question_is_not_found_and_nothing_changes(alice):
    bob = _member("bob")
    message = await _reply(alice)
    plan = plan_library.create_plan(alice, seed=1)
    feedback.give(alice, feedback.MESSAGE, message.id, feedback.UP)
    before = [(r.id, r.vote, r.reason, r.updated_at) for r in _rows()]

    for call in (lambda: feedback.give(bob, feedback.MESSAGE, message.id, feedback.DOWN),
                 lambda: feedback.press(bob, feedback.MESSAGE, message.id, feedback.UP),
                 lambda: feedback.clear(bob, feedback.MESSAGE, message.id),
                 lambda: feedback.set_reason(bob, feedback.MESSAGE, message.id, "mine now"),
                 lambda: feedback.give(bob, feedback.PLAN, plan.id, feedback.UP),
                 lambda: feedback.give(bob, feedback.PLAN, 10**6, feedback.UP),
                 lambda: feedback.give(alice, "workout", message.id, feedback.UP)):
        with pytest.raises(NotFound):
            call()
    question = coach_history.messages(alice, message_conversation(alice, message.id))[0]
    assert question.role == "user"
    with pytest.raises(NotFound):
        feedback.give(alice, feedback.MESSAGE, question.id, feedback.UP)
    assert [(r.id, r.vote, r.reason, r.updated_at) for r in _rows()] == before
    assert feedback.votes(bob, feedback.MESSAGE, [message.id]) == {}


def message_conversation(user_id, message_id):
    with db.read_only() as session:
        return session.get(CoachMessage, message_id).conversation_id


@pytest.mark.parametrize("reason, problem", [
    ("x" * 281, "under 280"),
    ("bad\x00byte", "control characters"),
    ("line\nbreak", "control characters"),
    ("\x1b[31mred", "control characters"),
    (12, "must be text"),
])
async def test_a_reason_is_short_plain_text_on_one_line(alice, reason, problem):
    message = await _reply(alice)
    feedback.give(alice, feedback.MESSAGE, message.id, feedback.DOWN)
    with pytest.raises(ValidationError) as refused:
        feedback.set_reason(alice, feedback.MESSAGE, message.id, reason)
    assert problem in refused.value.message and refused.value.field == "reason"
    assert _rows()[0].reason == ""


async def test_a_reason_is_kept_as_typed_markup_and_all_and_needs_a_vote_first(alice):
    message = await _reply(alice)
    with pytest.raises(ValidationError):
        feedback.set_reason(alice, feedback.MESSAGE, message.id, "Too vague")
    assert _rows() == []
    feedback.give(alice, feedback.MESSAGE, message.id, feedback.DOWN)
    feedback.set_reason(alice, feedback.MESSAGE, message.id, "<b>x</b> " + "y" * 271)
    assert _rows()[0].reason == "<b>x</b> " + "y" * 271  # 280 characters: data, shown as text
    with pytest.raises(ValidationError):
        feedback.give(alice, feedback.MESSAGE, message.id, 2)


async def test_the_export_holds_the_members_feedback_in_json_and_csv(alice):
    bob = _member("bob")
    mine, theirs = await _reply(alice), await _reply(bob)
    plan = plan_library.create_plan(alice, seed=2)
    feedback.give(alice, feedback.MESSAGE, mine.id, feedback.DOWN, reason="=cmd|' /C calc'!A0")
    feedback.give(alice, feedback.PLAN, plan.id, feedback.UP)
    feedback.give(bob, feedback.MESSAGE, theirs.id, feedback.UP, reason="Bob's words")

    document = data_export.export_json(alice)
    assert [(f["kind"], f["vote"], f["reason"], f["message_id"], f["plan_id"]) for f in document["ai_feedback"]] == [
        ("coach_reply", -1, "=cmd|' /C calc'!A0", mine.id, None), ("plan", 1, "", None, plan.id)]
    assert "Bob's words" not in str(document)

    lines = list(csv.reader(io.StringIO(data_export.export_feedback_csv(alice))))
    assert lines[0] == list(data_export.FEEDBACK_CSV_COLUMNS)
    assert [(line[0], line[3], line[4]) for line in lines[1:]] == [
        ("coach_reply", "-1", "'=cmd|' /C calc'!A0"), ("plan", "1", "")]  # no formula for a spreadsheet


async def test_deleting_the_account_removes_its_feedback_and_no_one_elses(alice):
    bob = _member("bob")
    feedback.give(alice, feedback.MESSAGE, (await _reply(alice)).id, feedback.UP)
    feedback.give(bob, feedback.MESSAGE, (await _reply(bob)).id, feedback.DOWN)
    deletion.delete_account(alice, DEFAULT_PASSWORD, confirm="alice")
    assert [(r.user_id, r.vote) for r in _rows()] == [(bob, -1)]


async def test_a_deleted_message_leaves_its_vote_with_the_request(alice):
    message = await _reply(alice)
    feedback.give(alice, feedback.MESSAGE, message.id, feedback.DOWN)
    coach_history.delete_conversation(alice, message_conversation(alice, message.id))
    [row] = _rows()
    assert row.message_id is None and row.request_id and row.user_id == alice
