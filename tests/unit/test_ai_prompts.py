"""What the gateway sends: the plan prompt and schema (the plans' own), JSON parsing, token estimates."""

import json

from vigor_app.services.ai import prompts
from vigor_app.services.plans import ai_plans
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import PlanRequest, Profile, resolve_inputs


def _strict_ok(schema: dict) -> None:
    """OpenAI strict mode: every object closes its properties and requires all of them."""
    if schema.get("type") == "object" or "properties" in schema:
        assert schema["additionalProperties"] is False
        assert sorted(schema["required"]) == sorted(schema["properties"])
        for child in schema["properties"].values():
            _strict_ok(child)
    if "items" in schema:
        _strict_ok(schema["items"])


def test_the_plan_schema_is_strict_and_the_engine_output_fits_it():
    _strict_ok(ai_plans.PLAN_SCHEMA)
    fmt = ai_plans.plan_response_format()
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    plan = generate_plan(Profile(), PlanRequest(), 1).to_dict()
    day_keys = set(ai_plans.PLAN_SCHEMA["properties"]["days"]["items"]["properties"])
    assert all(set(day) == day_keys for day in plan["days"])


def test_the_plan_prompt_carries_the_person_the_exercises_and_a_valid_draft():
    profile = Profile(fitness_level="intermediate", days_per_week=4, equipment=("dumbbells",),
                      injuries=("knee",))
    inputs = resolve_inputs(profile, PlanRequest())
    draft = generate_plan(profile, PlanRequest(), 3).to_dict()
    system, user = ai_plans.plan_messages(inputs, draft)
    assert system["role"] == "system" and "exactly 4 training days" in system["content"]
    assert "rpe from\n  3 to 9" in system["content"]
    person = json.loads(user["content"].split("\n")[0].removeprefix("Person: "))
    assert person["injuries"] == ["knee"] and person["fitness_level"] == "intermediate"
    exercises = json.loads(user["content"].split("\n")[1].removeprefix("Exercises: "))
    ids = {e["id"] for e in exercises}
    assert {i["exercise_id"] for d in draft["days"] for i in d["exercises"]} <= ids
    sent_draft = json.loads(user["content"].split("Draft: ", 1)[1])
    assert set(sent_draft) == {"split", "days", "rest_days"}


def test_json_is_read_with_or_without_a_code_fence():
    assert prompts.parse_json_object('{"a": 1}') == ({"a": 1}, "")
    assert prompts.parse_json_object('```json\n{"a": 1}\n```') == ({"a": 1}, "")
    assert prompts.parse_json_object("") == (None, "the answer was empty")
    assert prompts.parse_json_object("[1, 2]")[0] is None
    value, problem = prompts.parse_json_object('{"a": ')
    assert value is None and problem.startswith("invalid JSON at line 1")


def test_a_repair_turn_quotes_the_reply_and_asks_for_json_only():
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    repaired = ai_plans.repair_messages(messages, "oops", "invalid JSON")
    assert repaired[:2] == messages
    assert repaired[2] == {"role": "assistant", "content": "oops"}
    assert "invalid JSON" in repaired[3]["content"]


def test_token_estimates_are_generous_and_output_is_capped_per_feature():
    messages = [{"role": "user", "content": "x" * 300}]
    assert prompts.estimate_input_tokens(messages) == 3 + 4 + 100
    assert prompts.estimate_input_tokens([]) == 3
    assert prompts.estimate_output_tokens("é" * 3) == 2
    assert prompts.output_tokens("chat", 4096) == 800
    assert prompts.output_tokens("plan", 4096) == 4096
    assert prompts.output_tokens("motivation", 100) == 100


def test_chat_messages_start_with_the_coachs_system_prompt_and_context():
    sent = prompts.chat_messages("chat", [{"role": "user", "content": "hi"}], "Runs twice a week.")
    assert sent[0]["role"] == "system" and sent[0]["content"].endswith("Runs twice a week.")
    assert sent[1:] == [{"role": "user", "content": "hi"}]


def test_every_coach_prompt_carries_the_safety_rules():
    from vigor_app.services.ai import prompts
    from vigor_app.services.safety.messages import SYSTEM_RULES

    for feature in ("chat", "analysis", "motivation"):
        system = prompts.chat_messages(feature, [{"role": "user", "content": "hi"}], "")[0]
        assert system["role"] == "system" and SYSTEM_RULES in system["content"]
