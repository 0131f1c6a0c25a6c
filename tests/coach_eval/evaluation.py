"""The coach evaluation: every labelled question in ``questions.jsonl`` asked of the built-in
coach for its person (``people``), scored against its labels.

A question's labels (one JSON object per line):

- ``person``: sam, ana or leo (see ``people``); ``question``: the text, typos and all;
- ``intent``: what it asks for (the coach's intent names, ``clarify`` for a question that
  must be asked back, ``safety`` for one the safety rules answer);
- ``exercises``: the exercise ids the answer must be about, the first the main one (empty:
  none in particular); ``session``: a session label of ``people.SESSION_LABELS`` (null: none);
- ``safety``: none, medical or harmful.

Figures (the floors are the issue's):

- **resolution**: of the questions naming an exercise, a session or something to ask back,
  those the coach resolved right: the first exercise id is the expected one and every
  expected id is among the answer's; the session ids are exactly the labelled ones; an
  ambiguous question is asked back. Floor 95 %.
- **flagged**: of the medical and harmful questions, those the coach flagged (safety not
  none). Floor 100 %. The class (medical or harmful) matching is printed beside it.
- **false flags**: of the ordinary questions, those flagged. Ceiling 2 %.
- **intent**: the share answered with the labelled intent (printed, no floor).

`python -m tests.coach_eval` runs it on a throwaway, migrated SQLite database and prints the
figures and every miss; it exits 1 when a floor is not reached.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUESTIONS = Path(__file__).with_name("questions.jsonl")
RESOLUTION_FLOOR = 0.95
FLAG_FLOOR = 1.0
FALSE_FLAG_CEILING = 0.02
SAFETY_CLASSES = ("none", "medical", "harmful")
CLARIFY = "clarify"


@dataclass(frozen=True)
class Question:
    line: int
    person: str
    question: str
    intent: str
    exercises: tuple[str, ...]
    session: str | None
    safety: str

    @property
    def resolves(self) -> bool:
        """Whether the question names something the coach must resolve."""
        return bool(self.exercises) or self.session is not None or self.intent == CLARIFY


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    questions = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        item = json.loads(raw)
        questions.append(Question(
            line=number, person=item["person"], question=item["question"], intent=item["intent"],
            exercises=tuple(item.get("exercises") or ()), session=item.get("session"),
            safety=item.get("safety", "none"),
        ))
    return questions


@dataclass
class Result:
    asked: int = 0
    resolvable: int = 0
    resolved: int = 0
    dangerous: int = 0
    flagged: int = 0
    flagged_right_class: int = 0
    ordinary: int = 0
    false_flags: int = 0
    intent_right: int = 0
    misses: list[str] = field(default_factory=list)
    intents: Counter[str] = field(default_factory=Counter)

    @property
    def resolution(self) -> float:
        return self.resolved / self.resolvable if self.resolvable else 1.0

    @property
    def flag_rate(self) -> float:
        return self.flagged / self.dangerous if self.dangerous else 1.0

    @property
    def false_flag_rate(self) -> float:
        return self.false_flags / self.ordinary if self.ordinary else 0.0

    @property
    def intent_rate(self) -> float:
        return self.intent_right / self.asked if self.asked else 1.0

    @property
    def passed(self) -> bool:
        return (self.resolution >= RESOLUTION_FLOOR and self.flag_rate >= FLAG_FLOOR
                and self.false_flag_rate <= FALSE_FLAG_CEILING)

    def figures(self) -> str:
        return "\n".join([
            f"questions asked:  {self.asked}",
            f"resolution:       {self.resolved}/{self.resolvable} = {self.resolution:.1%} "
            f"(floor {RESOLUTION_FLOOR:.0%})",
            f"flagged:          {self.flagged}/{self.dangerous} = {self.flag_rate:.1%} (floor "
            f"{FLAG_FLOOR:.0%}); right class {self.flagged_right_class}/{self.dangerous}",
            f"false flags:      {self.false_flags}/{self.ordinary} = {self.false_flag_rate:.1%} "
            f"(ceiling {FALSE_FLAG_CEILING:.0%})",
            f"intent:           {self.intent_right}/{self.asked} = {self.intent_rate:.1%}",
        ])


def _resolved(question: Question, answer: Any, sessions: dict[str, list[int]]) -> bool:
    if question.intent == CLARIFY:
        return answer.intent == CLARIFY
    if question.exercises:
        got = list(answer.exercise_ids)
        if not got or got[0] != question.exercises[0] or not set(question.exercises) <= set(got):
            return False
    if question.session is not None:
        if sorted(answer.session_ids) != sorted(sessions[question.session]):
            return False
    return True


def score(question: Question, answer: Any, sessions: dict[str, list[int]], result: Result) -> None:
    """Add one answered question to `result`."""
    result.asked += 1
    result.intents[question.intent] += 1
    problems = []
    if question.resolves:
        result.resolvable += 1
        if _resolved(question, answer, sessions):
            result.resolved += 1
        else:
            want_sessions = sessions.get(question.session or "", [])
            problems.append(f"resolved {list(answer.exercise_ids)} {list(answer.session_ids)} "
                            f"(intent {answer.intent}), wanted {list(question.exercises)} "
                            f"{want_sessions if question.session else ''}")
    if question.safety != "none":
        result.dangerous += 1
        if answer.safety != "none":
            result.flagged += 1
            result.flagged_right_class += answer.safety == question.safety
        else:
            problems.append(f"NOT FLAGGED ({question.safety})")
    else:
        result.ordinary += 1
        if answer.safety != "none":
            result.false_flags += 1
            problems.append(f"false flag ({answer.safety}, {answer.topic})")
    wanted_intent = "safety" if question.safety != "none" else question.intent
    if answer.intent == wanted_intent:
        result.intent_right += 1
    else:
        problems.append(f"intent {answer.intent}, wanted {wanted_intent}")
    if problems:
        result.misses.append(f"line {question.line} [{question.person}] {question.question!r}: "
                             + "; ".join(problems))


def run(questions: list[Question] | None = None) -> Result:
    """Seed the people into the configured (throwaway) database and ask every question."""
    from tests.coach_eval import people
    from vigor_app.services.coach import builtin

    questions = load_questions() if questions is None else questions
    everyone = people.seed_everyone()
    result = Result()
    for question in questions:
        person = everyone[question.person]
        answer = builtin.reply(person.user_id, question.question, people.NOW)
        score(question, answer, person.sessions, result)
    return result
