"""The reader: which retrieved sentence answers, which span of it is the short answer, how sure it is.

Every answer sentence of the retrieved passages is a candidate (`candidates.py`); each is
described by general features (`features.py`) and the learned sentence model ranks them.
The best sentence is parsed, its entities and phrases become short-answer candidates
(`spans.py`), each with a vector pooled from its tokens' states in the passage (the index's
embedder, one pass per sentence), and the learned span model picks one. Where the best
sentence's passage has another sentence nearly as likely (at least the model's
`companion_ratio` of its probability), that one is quoted too: an answer often takes two
sentences, one naming the event and one giving the detail. Last, the answer model reads how the two models scored and
what the best sentence holds, and says how likely it is that this answer is right: that
is the confidence, and below the model's threshold the assistant abstains (a question the
newsletters do not answer gets no right answer).

    reader = Reader.over(retriever, ReaderModel.load())
    reading = reader.read(question, hits, question_vector)
    reading.confidence, reading.best.text, reading.short_answer.text
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.answer.adapter import QuestionAdapter
from rag.answer.candidates import SentenceCandidate, gather
from rag.answer.features import Rarity, answer_row, sentence_rows, span_meaning, span_rows
from rag.answer.question import Question
from rag.answer.safety import without_orders
from rag.answer.scorer import ReaderModel
from rag.answer.spans import AnswerSpan, candidate_spans, of_wanted_kind
from rag.index.passages import Passage
from rag.index.sentences import StoredSentence
from rag.nlp import BUNDLED_PIPELINE, pipeline
from rag.retrieve.retriever import Hit, Retriever

PARSE_CACHE = 4096  # parsed sentences kept (the corpus has about 2,000 distinct ones)

# Embeds texts and returns one vector per character span of each: the index's embedder's
# embed_in_context, so a span is read with the words of its passage (late chunking).
EmbedSpans = Callable[[list[str], list[list[tuple[int, int]]]], tuple[np.ndarray, list[np.ndarray]]]


@dataclass(frozen=True)
class Assessment:
    """The ranked sentences and the chosen short answer of one question, and its ANSWER_FEATURES row."""

    ranked: list[tuple[SentenceCandidate, float]]
    companion: SentenceCandidate | None
    short_answer: AnswerSpan | None
    short_from: SentenceCandidate | None
    row: np.ndarray


@dataclass(frozen=True)
class Reading:
    """What the reader made of the retrieved passages for one question."""

    question: Question
    ranked: list[tuple[SentenceCandidate, float]]  # candidates with their sentence-model probability, best first
    confidence: float  # the answer model's probability that the answer is right
    answered: bool  # confidence reached the threshold
    short_answer: AnswerSpan | None  # a span of the best sentence or of its companion; None when abstaining
    companion: SentenceCandidate | None = None  # a second sentence of the best one's passage, quoted with it
    short_from: SentenceCandidate | None = None  # the sentence the short answer is a span of

    @property
    def best(self) -> SentenceCandidate | None:
        return self.ranked[0][0] if self.ranked else None


class Reader:
    """Scores answer sentences and short answers with the learned model."""

    def __init__(
        self,
        *,
        sentences_of: Callable[[Passage], list[StoredSentence]],
        rarity: Rarity,
        model: ReaderModel,
        threshold: float | None = None,
        spacy_model: str = BUNDLED_PIPELINE,
        embed_spans: EmbedSpans | None = None,
    ) -> None:
        self.sentences_of = sentences_of
        self.rarity = rarity
        self.model = model
        self.threshold = model.threshold if threshold is None else threshold
        self.spacy_model = spacy_model
        self.embed_spans = embed_spans
        self._parsed: OrderedDict[str, object] = OrderedDict()
        self._span_vectors: OrderedDict[tuple, dict[tuple[int, int], np.ndarray]] = OrderedDict()  # sentence -> span offsets -> vector

    @classmethod
    def over(cls, retriever: Retriever, model: ReaderModel, *, threshold: float | None = None, spacy_model: str | None = None) -> Reader:
        """A reader of `retriever`'s index: its sentences, its passages' term rarity, and its embedder
        for the spans' vectors (loaded on first use)."""
        return cls(
            sentences_of=retriever.sentences,
            rarity=Rarity([p.text for p in retriever.passages]),
            model=model,
            threshold=threshold,
            spacy_model=spacy_model or retriever.settings.spacy_model,
            embed_spans=lambda texts, spans: retriever.embedder.embed_in_context(texts, spans),
        )

    def with_model(self, model: ReaderModel) -> Reader:
        """The same reader (and its parsed sentences and span vectors) deciding with another model."""
        other = Reader(sentences_of=self.sentences_of, rarity=self.rarity, model=model, spacy_model=self.spacy_model, embed_spans=self.embed_spans)
        other._parsed, other._span_vectors = self._parsed, self._span_vectors
        return other

    def sentence_table(self, question: Question, hits: Sequence[Hit], question_vector: np.ndarray) -> tuple[list[SentenceCandidate], np.ndarray]:
        """The candidate sentences and their feature rows."""
        candidates = without_orders(gather(hits, self.sentences_of))
        return candidates, sentence_rows(question, candidates, question_vector, self.rarity, self.model.adapter.adapt(question_vector))

    def parse(self, text: str):
        """The sentence's parse, kept for the next question that meets it."""
        doc = self._parsed.get(text)
        if doc is None:
            doc = pipeline(self.spacy_model)(text)
            self._parsed[text] = doc
            if len(self._parsed) > PARSE_CACHE:
                self._parsed.popitem(last=False)
        else:
            self._parsed.move_to_end(text)
        return doc

    def span_vectors(self, candidate: SentenceCandidate, spans: Sequence[AnswerSpan]) -> np.ndarray | None:
        """The spans' vectors, pooled from their tokens' states in the passage (None without an
        embedder). Every span of the sentence is embedded in its one pass and kept, whichever
        of them a question keeps."""
        if self.embed_spans is None or not spans:
            return None
        key = (candidate.passage.id, candidate.start)
        found = self._span_vectors.get(key)
        if found is None or any((s.start, s.end) not in found for s in spans):
            every = {(s.start, s.end) for s in self._sentence_spans(candidate)} | {(s.start, s.end) for s in spans}
            offsets = sorted(every)
            _whole, parts = self.embed_spans([candidate.passage.text], [[(candidate.start + a, candidate.start + b) for a, b in offsets]])
            found = dict(zip(offsets, parts[0]))
            self._span_vectors[key] = found
            if len(self._span_vectors) > PARSE_CACHE:
                self._span_vectors.popitem(last=False)
        return np.stack([found[(s.start, s.end)] for s in spans])

    def _sentence_spans(self, candidate: SentenceCandidate) -> list[AnswerSpan]:
        """Every short-answer candidate of the sentence, before a question keeps those of its kind."""
        entities = [(s - candidate.start, e - candidate.start, label) for s, e, label in candidate.entities]
        return candidate_spans(self.parse(candidate.text), entities)

    def span_table(
        self, question: Question, candidate: SentenceCandidate, question_vector: np.ndarray | None = None, span_adapter: QuestionAdapter | None = None
    ) -> tuple[list[AnswerSpan], np.ndarray]:
        """The short-answer candidates of one sentence and their feature rows (`span_adapter`: in
        place of the model's, for training, which scores each question with one fitted without it)."""
        doc = self.parse(candidate.text)
        spans = of_wanted_kind(question, self._sentence_spans(candidate))
        adapter = span_adapter or self.model.span_adapter
        adapted = adapter.adapt(question_vector) if question_vector is not None else None
        meaning = span_meaning(self.span_vectors(candidate, spans), question_vector, adapted)
        return spans, span_rows(question, doc, spans, self.rarity, meaning)

    def read(self, question: Question, hits: Sequence[Hit], question_vector: np.ndarray) -> Reading:
        candidates, rows = self.sentence_table(question, hits, question_vector)
        return self.decide(question, candidates, rows, question_vector)

    def assess(
        self,
        question: Question,
        candidates: Sequence[SentenceCandidate],
        rows: np.ndarray,
        question_vector: np.ndarray | None = None,
        span_adapter: QuestionAdapter | None = None,
    ) -> Assessment | None:
        """Rank the candidates and pick the short answer, before deciding whether to answer at all."""
        if not len(candidates):
            return None
        logits = self.model.sentence.logit(rows)
        order = np.argsort(-logits, kind="stable")
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        ranked = [(candidates[i], float(probabilities[i])) for i in order]
        best, top = ranked[0]
        companion = next((c for c, p in ranked[1:] if c.passage.id == best.passage.id and p >= self.model.companion_ratio * top), None)
        choices = []
        for sentence, handicap in ((best, 0.0), (companion, self.model.companion_penalty)):
            if sentence is None:
                continue
            spans, table = self.span_table(question, sentence, question_vector, span_adapter)
            if spans:
                pick, score = self.model.span.best(table)
                choices.append((score - handicap, spans[pick], sentence, score, table[pick]))
        if not choices:
            return Assessment(ranked, companion, None, None, answer_row(logits[order], rows[order[0]], None, None))
        _handicapped, short, source, score, span_row = max(choices, key=lambda item: item[0])
        return Assessment(ranked, companion, short, source, answer_row(logits[order], rows[order[0]], score, span_row))

    def decide(
        self,
        question: Question,
        candidates: Sequence[SentenceCandidate],
        rows: np.ndarray,
        question_vector: np.ndarray | None = None,
        span_adapter: QuestionAdapter | None = None,
    ) -> Reading:
        """The answer model's probability is the confidence: below the threshold, abstain."""
        assessed = self.assess(question, candidates, rows, question_vector, span_adapter)
        if assessed is None:
            return Reading(question, [], 0.0, False, None)
        confidence = float(self.model.answer.probability(assessed.row[None, :])[0])
        if confidence < self.threshold:
            return Reading(question, assessed.ranked, confidence, False, None)
        return Reading(question, assessed.ranked, confidence, True, assessed.short_answer, assessed.companion, assessed.short_from)
