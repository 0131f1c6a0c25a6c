"""The coach over the API, over real HTTP: a question answered as server-sent events (the
built-in coach, with no AI provider configured), the reply kept in the history; red flags
answered by the safety rules as on the page; the AI allowance; another member's
conversations; scopes."""

from __future__ import annotations

import json

from sqlmodel import func, select

from tests.api.conftest import error_of
from vigor_app import db
from vigor_app.models import CoachMessage
from vigor_app.services.coach import history as coach_history


def _events(api, body: dict) -> list[tuple[str, dict]]:
    """The stream's events, parsed one by one as they arrive."""
    events: list[tuple[str, dict]] = []
    with api.stream("POST", "/coach/messages", json=body) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        kind, data = "", ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = line.removeprefix("data: ")
            elif line == "" and kind:
                events.append((kind, json.loads(data)))
                kind, data = "", ""
    return events


def _messages_in_db(user_id: int) -> int:
    with db.read_only() as session:
        return session.exec(select(func.count()).select_from(CoachMessage).where(CoachMessage.user_id == user_id)).one()


def test_the_built_in_coach_answers_as_a_stream_and_the_reply_is_kept(running_app, alice):
    with running_app.client(alice.token) as api:
        events = _events(api, {"message": "How do I do a goblet squat?"})
        kinds = [k for k, _ in events]
        assert kinds[0] == "question" and kinds[-1] == "done" and "delta" in kinds
        assert set(kinds[1:-1]) == {"delta"}
        question, done = events[0][1], events[-1][1]
        conversation_id = question["conversation_id"]
        assert question["message"]["content"] == "How do I do a goblet squat?"
        assert question["message"]["role"] == "user"
        streamed = "".join(data["text"] for kind, data in events if kind == "delta")
        reply = done["message"]
        assert reply["role"] == "assistant" and reply["engine"] == "builtin"
        assert reply["content"] == streamed and "goblet" in streamed.lower()
        assert done["conversation_id"] == conversation_id
        history = api.get("/coach/messages", params={"conversation_id": conversation_id})
        assert history.status_code == 200
        assert [(m["id"], m["role"], m["content"]) for m in history.json()] == [
            (question["message"]["id"], "user", "How do I do a goblet squat?"),
            (reply["id"], "assistant", streamed)]
        # A follow-up in the same conversation, and the history a page at a time.
        again = _events(api, {"message": "And how many reps?", "conversation_id": conversation_id})
        assert again[-1][1]["conversation_id"] == conversation_id
        latest = api.get("/coach/messages", params={"conversation_id": conversation_id, "limit": 2}).json()
        assert [m["content"] for m in latest][0] == "And how many reps?"
        older = api.get("/coach/messages", params={"conversation_id": conversation_id,
                                                   "before_id": latest[0]["id"]}).json()
        assert [m["id"] for m in older] == [question["message"]["id"], reply["id"]]
        listed = api.get("/coach/conversations").json()
        assert [(c["id"], c["title"], c["messages"], c["special"]) for c in listed] == [
            (conversation_id, "How do I do a goblet squat?", 4, False)]


def test_a_red_flag_gets_the_safety_answer_as_on_the_page(running_app, alice):
    with running_app.client(alice.token) as api:
        events = _events(api, {"message": "I have chest pain when I bench, can I train through it?"})
        done = events[-1][1]["message"]
        assert events[-1][0] == "done" and done["engine"] == coach_history.ENGINE_SAFETY
        assert "".join(d["text"] for k, d in events if k == "delta") == done["content"]
        assert "chest pain" in done["content"].lower() or "doctor" in done["content"].lower()


def test_a_question_never_lands_in_the_coachs_own_thread(running_app, alice):
    thread = coach_history.post_from_coach(alice.id, "motivation", "Keep going!")
    with db.read_only() as session:
        thread_id = session.get(CoachMessage, thread.id).conversation_id
    with running_app.client(alice.token) as api:
        events = _events(api, {"message": "What should I train today?", "conversation_id": thread_id})
        assert events[0][1]["conversation_id"] != thread_id
        assert [m["content"] for m in api.get("/coach/messages", params={"conversation_id": thread_id}).json()] == [
            "Keep going!"]


def test_empty_long_or_unknown_questions_are_refused_and_nothing_is_kept(running_app, alice):
    with running_app.client(alice.token) as api:
        for body, code in (({"message": "   "}, "invalid"), ({"message": "x" * 1001}, "invalid"),
                           ({"message": ""}, "invalid_request"), ({"text": "hi"}, "invalid_request"),
                           ({"message": "hi", "conversation_id": 0}, "invalid_request"),
                           ({"message": "hi", "extra": 1}, "invalid_request")):
            refused = api.post("/coach/messages", json=body)
            assert refused.status_code == 422, body
            assert refused.headers["content-type"].startswith("application/json")
            assert error_of(refused)["code"] == code, body
        assert error_of(api.post("/coach/messages", json={"message": " "}))["details"] == {"field": "message"}
        assert api.get("/coach/messages").status_code == 422  # which conversation?
    assert _messages_in_db(alice.id) == 0


def test_another_members_conversation_is_not_found_and_nothing_is_kept(running_app, alice, bob):
    with running_app.client(alice.token) as api:
        conversation_id = _events(api, {"message": "How am I progressing?"})[0][1]["conversation_id"]
    before = _messages_in_db(alice.id)
    with running_app.client(bob.token) as api:
        asked = api.post("/coach/messages", json={"message": "Mine now?", "conversation_id": conversation_id})
        assert asked.status_code == 404 and error_of(asked)["code"] == "not_found"
        read = api.get("/coach/messages", params={"conversation_id": conversation_id})
        assert read.status_code == 404 and error_of(read)["code"] == "not_found"
        assert api.get("/coach/conversations").json() == []
    assert _messages_in_db(alice.id) == before and _messages_in_db(bob.id) == 0


def test_a_read_only_token_reads_the_history_but_never_asks(running_app, alice):
    from vigor_app.services.accounts import api_tokens

    reader = api_tokens.create(alice.id, "watch face", ["read"]).token
    with running_app.client(alice.token) as api:
        conversation_id = _events(api, {"message": "How am I progressing?"})[0][1]["conversation_id"]
    with running_app.client(reader) as api:
        assert len(api.get("/coach/messages", params={"conversation_id": conversation_id}).json()) == 2
        refused = api.post("/coach/messages", json={"message": "Hello?", "conversation_id": conversation_id})
        assert refused.status_code == 403 and error_of(refused)["details"]["needed"] == "write"
    assert _messages_in_db(alice.id) == 2


def test_the_ai_allowance_refuses_with_retry_after(running_app, vigor_env, alice):
    from vigor_app.settings import reload_settings

    vigor_env.setenv("API_AI_RATE_PER_MINUTE", "2")
    reload_settings()
    with running_app.client(alice.token) as api:
        _events(api, {"message": "What should I train today?"})
        _events(api, {"message": "How do I warm up?"})
        refused = api.post("/coach/messages", json={"message": "And a third?"})
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert error_of(refused) == {**error_of(refused), "code": "rate_limited",
                                     "details": {"retry_after": int(refused.headers["Retry-After"]), "per_minute": 2}}
        assert api.get("/coach/conversations").status_code == 200  # reading is not an AI request
    assert _messages_in_db(alice.id) == 4


def _provider(server, admin_id: int) -> None:
    from vigor_app.services.ai import providers
    from vigor_app.services.ai.providers import ProviderInput

    providers.create_provider(admin_id, ProviderInput(
        name="Local model", kind="openai_compatible", model="coach-model", base_url=server.base_url,
        api_key="sk-local-0123456789abcdef", priority=1, timeout_seconds=5.0))


def test_a_providers_reply_streams_piece_by_piece(running_app, server, admin, alice):
    from tests.fakes.openai_server import Reply

    _provider(server, admin.id)
    server.script("coach-model", Reply(content="Squat, then rest well tonight.", chunks=5))
    with running_app.client(alice.token) as api:
        events = _events(api, {"message": "What should I train today?"})
    deltas = [d["text"] for k, d in events if k == "delta"]
    assert len(deltas) == 5 and "".join(deltas) == "Squat, then rest well tonight."
    assert events[-1][1]["message"] == {**events[-1][1]["message"], "engine": "Local model",
                                        "content": "Squat, then rest well tonight."}


def test_a_withheld_reply_is_replaced_in_the_stream_and_in_the_history(running_app, server, admin, alice):
    from tests.fakes.openai_server import Reply

    _provider(server, admin.id)
    server.default("coach-model", Reply(content="Sure. Take 50 mg of anavar daily for eight weeks.", chunks=6))
    with running_app.client(alice.token) as api:
        events = _events(api, {"message": "How do I bulk faster?"})
        kinds = [k for k, _ in events]
        assert kinds[-2:] == ["replace", "done"]
        replacement = events[-2][1]["reply"]
        assert "performance-enhancing" in replacement
        assert "anavar" not in "".join(d["text"] for k, d in events if k == "delta")
        saved = api.get("/coach/messages", params={"conversation_id": events[0][1]["conversation_id"]}).json()
        assert saved[-1]["content"] == replacement == events[-1][1]["message"]["content"]
