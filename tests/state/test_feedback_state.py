"""The thumbs on the Coach and Workouts pages, the console's "Member feedback" table and the
feedback CSV, through their handlers: each asks on the server who is calling."""

import base64
import csv
import io

from tests.factories import make_admin, make_user
from vigor_app.services.ai import feedback
from vigor_app.services.coach import history as coach_history
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.state.admin_usage import UsageState
from vigor_app.state.coach import CoachState
from vigor_app.state.workouts import WorkoutsState
from vigor_app.state.your_data import YourDataState


def _coach_tab(browser, me):
    conversation = coach_history.start_conversation(me.user.id)
    coach_history.add_message(me.user.id, conversation.id, "user", "How am I progressing?")
    reply = coach_history.add_message(me.user.id, conversation.id, "assistant", "Nicely.", engine="builtin")
    tab = browser()
    tab.state(CoachState).session_token = me.token
    tab.call(CoachState, "load", path="/coach")
    return tab, reply


def _votes(user_id, reply_id):
    given = feedback.votes(user_id, feedback.MESSAGE, [reply_id]).get(reply_id)
    return (given.vote, given.reason) if given else None


def test_a_thumbs_down_asks_for_a_reason_and_the_same_thumb_again_takes_it_back(browser):
    me = make_user("alice")
    tab, reply = _coach_tab(browser, me)
    state = tab.state(CoachState, "/coach")
    assert [m["vote"] for m in state.messages] == ["", ""]

    state, _ = tab.call(CoachState, "rate", str(reply.id), "down", path="/coach")
    assert state.messages[1]["vote"] == "down" and state.reason_for == str(reply.id)
    state, _ = tab.call(CoachState, "save_reason", {"reason": "x" * 281}, path="/coach")
    assert state.reason_error == "Keep a reason under 280 characters." and _votes(me.user.id, reply.id) == (-1, "")
    state, _ = tab.call(CoachState, "save_reason", {"reason": "Not about my knee"}, path="/coach")
    assert state.reason_for == "" and state.reason_error == ""
    assert _votes(me.user.id, reply.id) == (-1, "Not about my knee")

    state, _ = tab.call(CoachState, "load", path="/coach")  # the vote is shown again after a reload
    assert state.messages[1]["vote"] == "down"
    state, _ = tab.call(CoachState, "rate", str(reply.id), "up", path="/coach")
    assert state.messages[1]["vote"] == "up" and state.reason_for == "" and _votes(me.user.id, reply.id) == (1, "")
    state, _ = tab.call(CoachState, "rate", str(reply.id), "up", path="/coach")
    assert state.messages[1]["vote"] == "" and _votes(me.user.id, reply.id) is None


def test_nobody_rates_someone_elses_reply_or_their_own_question(browser):
    alice, mallory = make_user("alice"), make_user("mallory")
    _, reply = _coach_tab(browser, alice)
    tab = browser()
    tab.state(CoachState).session_token = mallory.token
    tab.call(CoachState, "rate", str(reply.id), "down", path="/coach")
    state = tab.state(CoachState, "/coach")
    assert state.reason_for == "" and _votes(alice.user.id, reply.id) is None
    anonymous = browser()
    anonymous.call(CoachState, "rate", str(reply.id), "up", path="/coach")
    assert _votes(alice.user.id, reply.id) is None

    own, _ = _coach_tab(browser, alice)
    question = own.state(CoachState, "/coach").messages[0]
    own.call(CoachState, "rate", question["id"], "up", path="/coach")
    assert feedback.votes(alice.user.id, feedback.MESSAGE, [int(question["id"])]) == {}


def test_the_plan_shown_takes_the_members_thumbs_and_reason(browser):
    me = make_user("alice")
    profiles.update_profile(me.user.id, {"equipment": ["dumbbells", "bench"], "days_per_week": 3},
                            finish_onboarding=True)
    plan = plan_library.create_plan(me.user.id, seed=11, name="Base block")
    tab = browser()
    tab.state(WorkoutsState).session_token = me.token
    state, _ = tab.call(WorkoutsState, "load", path="/workouts")
    assert state.plan_vote == "" and not state.reason_open

    state, _ = tab.call(WorkoutsState, "rate_plan", "down", path="/workouts")
    assert state.plan_vote == "down" and state.reason_open
    state, _ = tab.call(WorkoutsState, "save_plan_reason", {"reason": "bad\x1bbyte"}, path="/workouts")
    assert "control characters" in state.reason_error and state.reason_open
    tab.call(WorkoutsState, "save_plan_reason", {"reason": "Too many lunges"}, path="/workouts")
    assert feedback.votes(me.user.id, feedback.PLAN, [plan.id])[plan.id].reason == "Too many lunges"

    state, _ = tab.call(WorkoutsState, "rate_plan", "up", path="/workouts")
    assert state.plan_vote == "up" and not state.reason_open
    state, _ = tab.call(WorkoutsState, "load", path="/workouts")
    assert state.plan_vote == "up"

    mallory = make_user("mallory")
    other = browser()
    other.state(WorkoutsState).session_token = mallory.token
    other.state(WorkoutsState, "/workouts").selected_id = str(plan.id)  # as if the browser said so
    other.call(WorkoutsState, "rate_plan", "down", path="/workouts")
    assert feedback.votes(me.user.id, feedback.PLAN, [plan.id])[plan.id].vote == feedback.UP


async def test_the_console_shows_feedback_per_provider_and_model_to_admins_only(browser):
    boss, alice = make_admin(), make_user("alice")
    _, reply = _coach_tab(browser, alice)
    feedback.give(alice.user.id, feedback.MESSAGE, reply.id, feedback.DOWN, reason="<b>Too</b> vague")

    tab = browser()
    tab.state(UsageState).session_token = boss.token
    state, result = tab.call(UsageState, "load", path="/admin/usage")
    if result is not None and hasattr(result, "__await__"):
        await result
    assert state.feedback_rows == [{"provider": "Built-in coach", "model": "—", "arm": "—", "up": "0", "down": "1",
                                    "votes": "1", "share": "0.0%"}]
    assert [(r["about"], r["vote"], r["reason"]) for r in state.feedback_reasons] == [
        ("Coach reply", "Did not help", "<b>Too</b> vague")]

    member = browser()
    member.state(UsageState).session_token = alice.token
    state, result = member.call(UsageState, "load", path="/admin/usage")
    if result is not None and hasattr(result, "__await__"):
        await result
    assert state.feedback_rows == [] and state.feedback_reasons == []


def test_the_member_downloads_their_feedback_as_csv(browser):
    me = make_user("alice")
    _, reply = _coach_tab(browser, me)
    feedback.give(me.user.id, feedback.MESSAGE, reply.id, feedback.UP)
    tab = browser()
    tab.state(YourDataState).session_token = me.token
    _, download = tab.call(YourDataState, "download_feedback_csv", path="/profile")
    args = {name._js_expr: value for name, value in download.args}
    assert args["filename"]._var_value == "vigor-feedback.csv"
    text = base64.b64decode(args["url"]._var_value.split(";base64,", 1)[1]).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["kind", "message_id", "plan_id", "vote"]
    assert [row[:4] for row in rows[1:]] == [["coach_reply", str(reply.id), "", "1"]]
