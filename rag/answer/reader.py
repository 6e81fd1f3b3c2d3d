"""The reader: which retrieved sentence answers, which span of it is the short answer, how sure it is.

Every answer sentence of the retrieved passages is a candidate (`candidates.py`); each is
described by general features (`features.py`) and the learned sentence model ranks them.
The best sentence is parsed, its entities and phrases become short-answer candidates
(`spans.py`), and the learned span model picks one. Where the best sentence's passage has
another sentence nearly as likely (at least the model's `companion_ratio` of its
probability), that one is quoted too: an answer often takes two sentences, one naming the
event and one giving the detail. Last, the answer model reads how the two models scored and
what the best sentence holds, and says how likely it is that this answer is right: that
is the confidence, and below the model's threshold the assistant abstains (a question the
newsletters do not answer gets no right answer).

    reader = Reader(sentences_of=retriever.sentences, rarity=Rarity(texts), model=ReaderModel.load())
    reading = reader.read(question, hits, question_vector)
    reading.confidence, reading.best.text, reading.short_answer.text
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.answer.candidates import SentenceCandidate, gather
from rag.answer.features import Rarity, answer_row, sentence_rows, span_rows
from rag.answer.question import Question
from rag.answer.safety import without_orders
from rag.answer.scorer import ReaderModel
from rag.answer.spans import AnswerSpan, candidate_spans, of_wanted_kind
from rag.index.passages import Passage
from rag.index.sentences import StoredSentence
from rag.nlp import BUNDLED_PIPELINE, pipeline
from rag.retrieve.retriever import Hit

PARSE_CACHE = 4096  # parsed sentences kept (the corpus has about 2,000 distinct ones)


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
    ) -> None:
        self.sentences_of = sentences_of
        self.rarity = rarity
        self.model = model
        self.threshold = model.threshold if threshold is None else threshold
        self.spacy_model = spacy_model
        self._parsed: OrderedDict[str, object] = OrderedDict()

    def with_model(self, model: ReaderModel) -> Reader:
        """The same reader (and its parsed sentences) deciding with another model."""
        other = Reader(sentences_of=self.sentences_of, rarity=self.rarity, model=model, spacy_model=self.spacy_model)
        other._parsed = self._parsed
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

    def span_table(self, question: Question, candidate: SentenceCandidate) -> tuple[list[AnswerSpan], np.ndarray]:
        """The short-answer candidates of one sentence and their feature rows."""
        doc = self.parse(candidate.text)
        entities = [(s - candidate.start, e - candidate.start, label) for s, e, label in candidate.entities]
        spans = of_wanted_kind(question, candidate_spans(doc, entities))
        return spans, span_rows(question, doc, spans, self.rarity)

    def read(self, question: Question, hits: Sequence[Hit], question_vector: np.ndarray) -> Reading:
        candidates, rows = self.sentence_table(question, hits, question_vector)
        return self.decide(question, candidates, rows)

    def assess(self, question: Question, candidates: Sequence[SentenceCandidate], rows: np.ndarray) -> Assessment | None:
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
            spans, table = self.span_table(question, sentence)
            if spans:
                pick, score = self.model.span.best(table)
                choices.append((score - handicap, spans[pick], sentence, score, table[pick]))
        if not choices:
            return Assessment(ranked, companion, None, None, answer_row(logits[order], rows[order[0]], None, None))
        _handicapped, short, source, score, span_row = max(choices, key=lambda item: item[0])
        return Assessment(ranked, companion, short, source, answer_row(logits[order], rows[order[0]], score, span_row))

    def decide(self, question: Question, candidates: Sequence[SentenceCandidate], rows: np.ndarray) -> Reading:
        """The answer model's probability is the confidence: below the threshold, abstain."""
        assessed = self.assess(question, candidates, rows)
        if assessed is None:
            return Reading(question, [], 0.0, False, None)
        confidence = float(self.model.answer.probability(assessed.row[None, :])[0])
        if confidence < self.threshold:
            return Reading(question, assessed.ranked, confidence, False, None)
        return Reading(question, assessed.ranked, confidence, True, assessed.short_answer, assessed.companion, assessed.short_from)
