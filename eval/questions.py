"""The question-set schema, and loading a question file with clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from rag.errors import ConfigError

QuestionType = Literal["factoid", "number", "date", "person", "place", "list", "multi_issue", "unanswerable"]
DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"


class Question(BaseModel):
    """One hand-built question; fields beyond these are ignored so other files can carry more."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    question: str
    answers: list[str] = []
    evidence: list[str] = []
    issue: str = ""
    type: QuestionType = "factoid"
    style: str = "full"  # how it is worded: full, terse, why_how, issue_time, table_caption, near_miss, off_topic

    @property
    def issues(self) -> list[str]:
        """The issue labels it is about (two for a multi-issue question; none for some unanswerable ones)."""
        return [label.strip() for label in self.issue.split(";") if label.strip()]

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable" and bool(self.evidence)


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    """Every question of a JSON Lines file; a bad line is reported with its number."""
    if not path.is_file():
        raise ConfigError(f"Question file not found: {path}")
    questions: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            questions.append(Question.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise ConfigError(f"{path}, line {number}: not a valid question ({exc})") from exc
    if not questions:
        raise ConfigError(f"{path} holds no questions.")
    return questions
