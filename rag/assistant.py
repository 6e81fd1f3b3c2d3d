"""Answers with verified citations: retrieve, pack, generate, check, or abstain.

Trust comes from the system around the model, not from the model: every sentence of the
answer must stand on a given passage (its names, numbers and dates present), and when
nothing supports it the assistant says the newsletters don't say, showing the closest
passages instead.

    assistant = Assistant(Retriever.open(), LlamaCppGenerator("gemma3-270m"))
    answer = assistant.ask("Where was the 21st RTC Heads meeting held?")
    print(answer.text)
    for c in answer.citations:
        print(c.number, c.passage.issue, c.passage.title, c.quote)

    for item in assistant.stream("Who opened it?", history=[...]):   # tokens, then the Answer
        ...
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from rag.answer_finder import AnswerFinder, Candidate, companion, top_per_passage
from rag.chunking import sentence_spans
from rag.citations import Citation
from rag.composer import compose, extractive, extractive_parts
from rag.config import Settings
from rag.errors import QueryError
from rag.generator import Generator
from rag.passages import Passage
from rag.prompts import Prompts
from rag.query_filters import Filters
from rag.question_kinds import kind_is_checked
from rag.question_parts import QuestionPart, follow_up_pieces, points_back, question_parts
from rag.retriever import Hit, Retriever

MAX_QUESTION_CHARS = 2000  # a longer question is cut before it reaches the model
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b[^.!?\n]{0,60}\b(?:question|instructions?|above|previous|prompt|rules)\b"
    r"|\b(?:you must now|respond only with|answer only with|say only)\b",
    re.I,
)


@dataclass(frozen=True)
class Answer:
    """The single thing the CLI, the app and the evaluation render."""

    question: str
    standalone_question: str  # what was searched (a follow-up made standalone)
    text: str
    citations: list[Citation]
    passages: list[Passage]  # given to the model, or the closest ones when abstaining
    abstained: bool
    filters: Filters
    raw: str = ""  # the model's own words, before checking
    timings_ms: dict[str, float | None] = field(default_factory=dict)
    source: str = ""  # "model": the model's checked words; "extract": the best sentence quoted; "" when abstaining


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


def neutralise_instructions(text: str) -> str:
    """Passages are material, not orders: a sentence that gives the model orders is withheld whole."""
    if not _INJECTION.search(text):
        return text
    pieces: list[str] = []
    cursor = 0
    for start, end in sentence_spans(text, 0):
        if _INJECTION.search(text[start:end]):
            pieces.append(text[cursor:start] + "[instruction removed]")
            cursor = end
    return "".join(pieces) + text[cursor:]


class Assistant:
    """Question answering over a retriever with a local generator."""

    def __init__(self, retriever: Retriever, generator: Generator, *, settings: Settings | None = None) -> None:
        self.retriever = retriever
        self.generator = generator
        self.settings = settings or retriever.settings
        self.prompts = Prompts(self.settings.prompts_dir)
        self.finder = AnswerFinder(
            retriever.embedder, corpus_texts=[p.text for p in retriever.passages], stored_vectors=retriever.sentence_vectors
        )

    def standalone(self, question: str, history: list | None) -> str:
        """A follow-up ("and who opened it?") joined to the question it follows: "Who opened it? (was the
        21st RTC Heads meeting held)", its own asking phrase first, where the finder reads what is asked."""
        previous = _history_questions(history)
        if not previous or not points_back(question):
            return question
        leading, context = follow_up_pieces(question, previous[-1])
        return self.prompts.render("follow_up", question=leading, context=context)

    def ask(self, question: str, history: list | None = None, **search: object) -> Answer:
        """The whole answer at once (see `stream` for tokens as they come)."""
        for item in self.stream(question, history, **search):
            if isinstance(item, Answer):
                return item
        raise AssertionError("stream ended without an answer")  # pragma: no cover

    def stream(self, question: str, history: list | None = None, **search: object) -> Iterator[str | Answer]:
        """Yield the answer's text as it comes (the model's tokens, or a quoted sentence whole), then the checked Answer."""
        if not isinstance(question, str) or not question.strip():
            raise QueryError("The question is empty: type a question about the newsletters.")
        question = question.strip()[:MAX_QUESTION_CHARS]
        started = time.perf_counter()
        standalone = self.standalone(question, history)
        k = int(search.pop("k", None) or self.settings.answer_passages)  # type: ignore[arg-type]
        parts = question_parts(question) if standalone == question else []  # a follow-up joined to its question is one question
        if len(parts) > 1:
            answered = self._answer_in_parts(question, standalone, parts, k, dict(search), started)
            if answered is not None:  # else no part alone is answered: the question is tried whole
                yield answered.text
                yield answered
                return
        result = self.retriever.search(standalone, k=k, **search)  # type: ignore[arg-type]
        timings: dict[str, float | None] = {"retrieve": (time.perf_counter() - started) * 1000, "first_token": None, "generate": None}
        hits = result.hits
        ranked = self._ranked(standalone, hits)
        timings["rank"] = (time.perf_counter() - started) * 1000 - timings["retrieve"]
        if not ranked:
            yield self._abstain(question, standalone, hits, result.filters, "", timings, started)
            return

        also = companion(ranked[0], ranked, self.settings.second_sentence_margin)
        if self.settings.quote_checked_answers and kind_is_checked(standalone):
            yield from self._quote(question, standalone, ranked, also, result.filters, timings, started)
            return
        offered = self._pack(top_per_passage(ranked, self.settings.answer_candidates), standalone)
        prompt_started = time.perf_counter()
        pieces: list[str] = []
        for piece in self._generate(offered, standalone):
            if timings["first_token"] is None:
                timings["first_token"] = (time.perf_counter() - started) * 1000
            pieces.append(piece)
            yield piece
        timings["generate"] = (time.perf_counter() - prompt_started) * 1000
        raw = "".join(pieces).strip()
        composed = compose(raw, offered, question=standalone, threshold=self.settings.support_threshold, also=also)
        timings["total"] = (time.perf_counter() - started) * 1000
        if timings["first_token"] is None:  # the model wrote nothing: the quoted answer is the first text shown
            timings["first_token"] = timings["total"]
        passages = [c.passage for c in offered]
        yield Answer(question, standalone, composed.text, composed.citations, passages, False, result.filters, raw, timings, composed.source)

    def _ranked(self, question: str, hits: list[Hit]) -> list[Candidate]:
        """The sentences that could answer, best first (for a question naming its event, led by that
        event's article read for what is asked); none where the assistant abstains: nothing retrieved
        close enough, or no sentence above the answer threshold."""
        best = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
        if not hits or (best is not None and best < self.settings.min_retrieval_score):
            return []
        ranked = [c for c in self.finder.rank(question, [h.passage for h in hits]) if not _INJECTION.search(c.text)]
        if not ranked or ranked[0].score < self.settings.answer_threshold:
            return []
        return [c for c in self.finder.within_setting(question, ranked, self.retriever.article) if not _INJECTION.search(c.text)]

    def _answer_in_parts(self, question, standalone, parts: list[QuestionPart], k: int, search: dict, started) -> Answer | None:
        """A question asking two things: each part searched and ranked on its own and its best sentence
        quoted, the model not asked; a part nothing answers is said to be unanswered. None when no part is answered."""
        timings: dict[str, float | None] = {"retrieve": 0.0, "rank": 0.0, "first_token": None, "generate": None}
        found: list[tuple[str, Candidate | None]] = []
        results = []
        passages: dict[str, Passage] = {}
        for part in parts:
            searched = time.perf_counter()
            result = self.retriever.search(part.searched, k=k, **search)  # type: ignore[arg-type]
            ranked_at = time.perf_counter()
            ranked = self._ranked(part.searched, result.hits)
            timings["retrieve"] += (ranked_at - searched) * 1000  # type: ignore[operator]
            timings["rank"] += (time.perf_counter() - ranked_at) * 1000  # type: ignore[operator]
            results.append(result)
            found.append((part.asked, ranked[0] if ranked else None))
            for candidate in top_per_passage(ranked, self.settings.answer_candidates):
                passages.setdefault(candidate.passage.id, candidate.passage)
        if all(best is None for _asked, best in found):
            return None
        composed = extractive_parts(found, lambda asked: self.prompts.render("abstain_part", part=asked))
        timings["first_token"] = timings["total"] = (time.perf_counter() - started) * 1000
        shown = list(passages.values())
        return Answer(question, standalone, composed.text, composed.citations, shown, False, results[0].filters, "", timings, composed.source)

    def _quote(self, question, standalone, ranked: list[Candidate], also, filters, timings, started) -> Iterator[str | Answer]:
        """The sentence holding the number, date or name asked for, word for word: the model is not asked.

        Measured on both question sets, the model's reply to such questions never held the
        answer where the quoted sentence did not, and misread it where it did not (25 taken
        for the 21 administrations of the same sentence; a name given the wrong post).
        """
        offered = top_per_passage(ranked, self.settings.answer_candidates)
        composed = extractive(offered, also)
        timings["first_token"] = (time.perf_counter() - started) * 1000
        yield composed.text
        timings["total"] = (time.perf_counter() - started) * 1000
        passages = [c.passage for c in offered]
        yield Answer(question, standalone, composed.text, composed.citations, passages, False, filters, "", timings, composed.source)

    def _abstain(self, question, standalone, hits: list[Hit], filters, raw, timings, started) -> Answer:
        timings["total"] = (time.perf_counter() - started) * 1000
        closest = [h.passage for h in hits[:3]]
        return Answer(question, standalone, self.prompts.render("abstain"), [], closest, True, filters, raw, timings)

    def _label(self, number: int, candidate: Candidate) -> str:
        passage = candidate.passage
        return f"[{number}] {passage.issue} ({passage.date_label}) — {passage.title}\n{neutralise_instructions(candidate.text)}"

    def _pack(self, offered: list[Candidate], question: str) -> list[Candidate]:
        """As many candidates, best first, as fit the prompt budget counted with the model's tokenizer."""
        budget = min(self.settings.prompt_tokens, self.generator.context_window - self.settings.answer_tokens)
        used = self.generator.count_tokens(self.prompts.template("system") + question) + 40
        packed: list[Candidate] = []
        for candidate in offered:
            cost = self.generator.count_tokens(self._label(len(packed) + 1, candidate)) + 2
            if packed and used + cost > budget:
                break
            packed.append(candidate)
            used += cost
        return packed

    def _generate(self, offered: list[Candidate], question: str) -> Iterator[str]:
        numbered = "\n\n".join(self._label(i, c) for i, c in enumerate(offered, 1))
        if self.generator.has_chat_template:
            messages = [
                {"role": "system", "content": self.prompts.render("system")},
                {"role": "user", "content": self.prompts.render("answer", passages=numbered, question=question)},
            ]
            return self.generator.stream_chat(messages, max_tokens=self.settings.answer_tokens)
        prompt = self.prompts.render("answer_completion", passages=numbered, question=question)
        return self.generator.stream_completion(prompt, max_tokens=self.settings.answer_tokens)
