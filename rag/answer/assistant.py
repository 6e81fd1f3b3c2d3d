"""Answers with checked citations: read the question once, retrieve, read the sentences, answer or abstain.

Trust comes from the system around the model, not from the model: the short answer is a
span of a sentence of the newsletters, quoted with its citation; the learned reader says
how sure it is, and below its threshold the assistant says the newsletters don't say,
showing the closest passages instead. A generator, where given and asked to
(`model_sentence`), writes one sentence from that evidence, kept only where it passes the
citation check.

    assistant = Assistant(Retriever.open(), LlamaCppGenerator("smollm2-135m"))
    answer = assistant.ask("Where was the 21st RTC Heads meeting held?")
    print(answer.short_answer, answer.confidence)
    for c in answer.citations:
        print(c.number, c.passage.issue, c.passage.title, c.quote)

    for item in assistant.stream("Who opened it?", history=[...]):   # text as it comes, then the Answer
        ...
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from rag.answer.citations import Citation
from rag.answer.compose import Composed, extracted, with_model_sentence
from rag.answer.question import Question, analyse
from rag.answer.reader import Reader, Reading
from rag.answer.safety import neutralise_instructions
from rag.answer.scorer import ReaderModel
from rag.config import Settings
from rag.generate.generator import Generator
from rag.generate.prompts import Prompts
from rag.index.passages import Passage
from rag.retrieve.filters import Filters
from rag.retrieve.retriever import Retriever

CLOSEST_SHOWN = 3  # passages offered when abstaining


@dataclass(frozen=True)
class Answer:
    """The single thing the CLI, the app and the evaluation render."""

    question: str
    standalone_question: str  # what was searched (a follow-up with the question it leans on)
    text: str
    citations: list[Citation]
    passages: list[Passage]  # the passages read, or the closest ones when abstaining
    abstained: bool
    filters: Filters
    raw: str = ""  # the model's own words, before checking
    timings_ms: dict[str, float | None] = field(default_factory=dict)
    source: str = ""  # "extract": the reader's span and quote; "model": with the model's checked sentence; "" when abstaining
    short_answer: str | None = None  # what a reader wants first ("Kashiwa, Japan"); None when abstaining
    confidence: float = 0.0  # the answer model's probability that this answer is right (0..1)


def _history_questions(history: list | None) -> list[str]:
    """User turns from [(user, assistant), ...] or [{"role": ..., "content": ...}, ...]."""
    questions: list[str] = []
    for turn in history or []:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and turn.get("content"):
                questions.append(str(turn["content"]))
        elif isinstance(turn, (list, tuple)) and turn and turn[0]:
            questions.append(str(turn[0]))
    return questions


class Assistant:
    """Question answering over a retriever, with an optional generator for a written sentence."""

    def __init__(
        self,
        retriever: Retriever,
        generator: Generator | None = None,
        *,
        settings: Settings | None = None,
        model: ReaderModel | None = None,
    ) -> None:
        self.retriever = retriever
        self.generator = generator
        self.settings = settings or retriever.settings
        self.prompts = Prompts(self.settings.prompts_dir)
        self.reader = Reader.over(
            retriever,
            model or ReaderModel.load(self.settings.reader_model),
            threshold=self.settings.answer_threshold,
            spacy_model=self.settings.spacy_model,
        )

    def with_generator(self, generator: Generator | None) -> Assistant:
        """The same retriever and reader (nothing reloaded) with another generator."""
        other = copy.copy(self)
        other.generator = generator
        return other

    def warm_up(self) -> None:
        """Load the embedding model, the spaCy pipeline and WordNet now, rather than on the first question."""
        self.retriever.warm_up()
        self.analyse("Who opened the workshop?")

    def analyse(self, question: str, history: list | None = None) -> Question:
        """The question read once, as a follow-up of the conversation's last question where it leans on it."""
        return analyse(
            question, catalogue=self.retriever.catalogue, earlier=_history_questions(history), spacy_model=self.settings.spacy_model
        )

    def ask(self, question: str, history: list | None = None, *, model_sentence: bool | None = None, **search: object) -> Answer:
        """The whole answer at once (see `stream` for text as it comes)."""
        for item in self.stream(question, history, model_sentence=model_sentence, **search):
            if isinstance(item, Answer):
                return item
        raise AssertionError("stream ended without an answer")  # pragma: no cover

    def stream(
        self, question: str, history: list | None = None, *, model_sentence: bool | None = None, **search: object
    ) -> Iterator[str | Answer]:
        """Yield the short answer as soon as it is found, the model's words as they come (when it
        writes: `model_sentence`, default the setting), then the checked Answer. `search` takes the
        retriever's filters (issue, date_from, date_to, mode) and k."""
        started = time.perf_counter()
        asked = self.analyse(question, history)
        k = int(search.pop("k", None) or self.settings.answer_passages)  # type: ignore[arg-type]
        result = self.retriever.search(asked.searched, k=k, filters=asked.filters, **search)  # type: ignore[arg-type]
        timings: dict[str, float | None] = {"retrieve": _since(started), "first_token": None, "generate": None}
        reading = self.reader.read(asked, result.hits, self.retriever.embedder.embed_query(asked.searched))
        timings["read"] = _since(started) - timings["retrieve"]  # type: ignore[operator]
        if not reading.answered:
            timings["first_token"] = timings["total"] = _since(started)
            closest = [h.passage for h in result.hits[:CLOSEST_SHOWN]]
            yield Answer(
                asked.text, asked.searched, self.prompts.render("abstain"), [], closest, True, result.filters,
                timings_ms=timings, confidence=reading.confidence,
            )
            return
        composed = extracted(reading)
        timings["first_token"] = _since(started)
        yield composed.short_answer
        raw = ""
        writes = self.settings.model_sentence if model_sentence is None else model_sentence
        if self.generator is not None and writes:
            generated = time.perf_counter()
            pieces = []
            for piece in self._write(asked, reading, composed):
                pieces.append(piece)
                yield piece
            timings["generate"] = _since(generated)
            raw = "".join(pieces).strip()
            composed = with_model_sentence(composed, reading, raw, threshold=self.settings.support_threshold)
        timings["total"] = _since(started)
        read = [h.passage for h in result.hits]
        yield Answer(
            asked.text, asked.searched, composed.text, composed.citations, read, False, result.filters, raw, timings,
            composed.source, composed.short_answer, reading.confidence,
        )

    def _write(self, question: Question, reading: Reading, composed: Composed) -> Iterator[str]:
        """The generator's one sentence from the evidence and the short answer."""
        assert self.generator is not None and reading.best is not None
        passage = reading.best.passage
        fields = {
            "issue": passage.issue,
            "title": passage.title,
            "evidence": neutralise_instructions(" ".join(reading.best.text.split())),
            "question": question.text,
            "short_answer": composed.short_answer,
        }
        budget = self.settings.answer_tokens
        if self.generator.has_chat_template:
            messages = [
                {"role": "system", "content": self.prompts.render("system")},
                {"role": "user", "content": self.prompts.render("compose", **fields)},
            ]
            return self.generator.stream_chat(messages, max_tokens=budget)
        return self.generator.stream_completion(self.prompts.render("compose_completion", **fields), max_tokens=budget)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
