"""The labelled question set (`questions.jsonl`) is well formed: no database, only the file,
the catalogue and the session labels of `people`."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.coach_eval.evaluation import QUESTIONS, SAFETY_CLASSES, load_questions
from tests.coach_eval.people import SESSION_LABELS
from vigor_app.services.catalogue import catalogue

PEOPLE = {"sam", "ana", "leo"}
INTENTS = ("today", "progress", "effort", "technique", "substitute", "comeback", "missed", "plan",
           "recovery", "deload", "warmup", "review", "motivation", "help", "clarify", "unknown",
           "safety")
KEYS = {"person": str, "question": str, "intent": str, "exercises": list, "session": (str, type(None)),
        "safety": str}
MIN_QUESTIONS = 300
MIN_FLAGGED = 60
MIN_ORDINARY = 150
MIN_PER_INTENT = 5
MIN_CLARIFY = 4


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = [line for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def test_enough_questions(rows):
    assert len(rows) >= MIN_QUESTIONS


def test_every_key_is_present_and_typed(rows):
    for number, row in enumerate(rows, start=1):
        assert set(row) == set(KEYS), f"line {number}: keys {sorted(row)}"
        for key, kind in KEYS.items():
            assert isinstance(row[key], kind), f"line {number}: {key} is {type(row[key]).__name__}"
        assert row["question"].strip(), f"line {number}: empty question"
        assert all(isinstance(exercise, str) for exercise in row["exercises"]), f"line {number}"


def test_values_are_known(rows):
    known_exercises = {exercise.id for exercise in catalogue.all_exercises()}
    for number, row in enumerate(rows, start=1):
        where = f"line {number} {row['question']!r}"
        assert row["person"] in PEOPLE, where
        assert row["intent"] in INTENTS, where
        assert row["safety"] in SAFETY_CLASSES, where
        assert row["session"] is None or row["session"] in SESSION_LABELS, where
        unknown = [exercise for exercise in row["exercises"] if exercise not in known_exercises]
        assert not unknown, f"{where}: not in the catalogue: {unknown}"
        assert len(set(row["exercises"])) == len(row["exercises"]), f"{where}: an exercise twice"


def test_safety_class_and_intent_agree(rows):
    for number, row in enumerate(rows, start=1):
        flagged = row["safety"] != "none"
        assert flagged == (row["intent"] == "safety"), f"line {number} {row['question']!r}"


def test_flagged_questions_name_nothing_to_resolve(rows):
    for number, row in enumerate(rows, start=1):
        if row["intent"] in ("safety", "clarify"):
            assert row["exercises"] == [] and row["session"] is None, f"line {number} {row['question']!r}"


def test_no_duplicate_questions(rows):
    counts = Counter((row["person"], row["question"]) for row in rows)
    assert [key for key, count in counts.items() if count > 1] == []


def test_the_mix(rows):
    safety = Counter(row["safety"] for row in rows)
    assert safety["medical"] + safety["harmful"] >= MIN_FLAGGED
    assert safety["medical"] > 0 and safety["harmful"] > 0
    assert safety["none"] >= MIN_ORDINARY
    intents = Counter(row["intent"] for row in rows)
    for intent in INTENTS:
        floor = MIN_CLARIFY if intent == "clarify" else MIN_PER_INTENT
        assert intents[intent] >= floor, f"{intent}: {intents[intent]}"


def test_the_evaluation_reads_the_file(rows):
    questions = load_questions()
    assert len(questions) == len(rows)
    assert {question.intent for question in questions} <= set(INTENTS)
