"""The Coach page's handlers: a question, a stored reply, history kept per person."""

import pytest

from tests.factories import make_user
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach.text_blocks import Block, Span
from vigor_app.state.coach import CoachState


def test_a_question_and_the_built_in_reply_are_kept(browser):
    me = make_user("alice")
    tab = browser()
    tab.state(CoachState).session_token = me.token
    state, _ = tab.call(CoachState, "load", path="/coach")
    assert state.messages == [] and state.suggestions
    conversation = coach_history.start_conversation(me.user.id)
    coach_history.add_message(me.user.id, conversation.id, "user", "How am I progressing?")
    coach_history.add_message(me.user.id, conversation.id, "assistant", "**Nicely.** Keep <b>going</b>:\n- sleep",
                              engine="builtin")
    state, _ = tab.call(CoachState, "load", path="/coach")
    assert [m["role"] for m in state.messages] == ["user", "assistant"]
    assert state.messages[1]["engine"] == "Built-in coach"
    # The reply's words as blocks of text, the person's own message as typed.
    assert state.message_blocks == [[], [Block("paragraph", [Span("Nicely.", strong=True), Span(" Keep <b>going</b>:")]),
                                         Block("item", [Span("sleep")], marker="•")]]
    assert state.conversations[0]["title"] == "How am I progressing?"


def test_another_persons_conversation_cannot_be_opened_or_deleted(browser):
    alice, mallory = make_user("alice"), make_user("mallory")
    conversation = coach_history.start_conversation(alice.user.id)
    coach_history.add_message(alice.user.id, conversation.id, "user", "private question")
    tab = browser()
    tab.state(CoachState).session_token = mallory.token
    state, _ = tab.call(CoachState, "select", str(conversation.id), path="/coach")
    assert state.messages == [] and state.error
    tab.call(CoachState, "delete_conversation", str(conversation.id), path="/coach")
    assert coach_history.messages(alice.user.id, conversation.id)[0].content == "private question"


def test_what_the_coach_knows_is_the_persons_own_context(browser):
    me = make_user("alice")
    tab = browser()
    tab.state(CoachState).session_token = me.token
    state, _ = tab.call(CoachState, "toggle_knows", path="/coach")
    assert state.show_knows and state.knows


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_empty_or_long_messages_are_refused(text):
    from vigor_app.services.errors import ValidationError

    with pytest.raises(ValidationError):
        coach_history.check_message(text)


def test_the_page_opens_the_persons_own_conversation_and_a_question_never_lands_in_a_coach_thread(browser):
    """The reviewer's first questions went into "Workout analyses": the newest conversation
    was the coach's own thread."""
    from vigor_app.models.coach import KIND_ANALYSIS

    me = make_user("alice")
    chat_id, _ = coach_history.add_question(me.user.id, 0, "How am I progressing?")
    analysis = coach_history.post_from_coach(me.user.id, KIND_ANALYSIS, "Good session.")  # newer
    tab = browser()
    tab.state(CoachState).session_token = me.token
    state, _ = tab.call(CoachState, "load", path="/coach")
    assert state.conversation_id == chat_id
    assert [c["special"] for c in state.conversations] == ["yes", ""]
    threads = {c.title: c.id for c in coach_history.conversations(me.user.id)}
    # asked while reading the analyses thread: a new conversation of its own
    new_id, question = coach_history.add_question(me.user.id, threads["Workout analyses"], "What next?")
    assert new_id not in (threads["Workout analyses"], chat_id)
    assert [m.content for m in coach_history.messages(me.user.id, threads["Workout analyses"])] == ["Good session."]
    assert analysis.id and question.content == "What next?"
