"""The sentences of a passage that could answer a question, with their stored vectors and entities.

The answer side compares the question with every sentence of the retrieved passages and
looks in them for the kind of thing asked for. Cutting, embedding and reading those
sentences at question time would cost about half a second on two cores, so the index does
it once at build time; both sides take the sentences from here, so a stored vector and
entity list always belong to the sentence they are looked up for.

    spans = answer_sentences(passage.text)          # [(start, end, previous_start), ...]
    vectors, sentence_vectors = embed_passages(passages, spans_of, embedder)  # one (len(spans), dim) array per passage
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from rag.index.chunking import sentence_spans
from rag.index.embedder import Embedder
from rag.index.passages import Passage

MIN_SENTENCE_CHARS = 25  # headings, captions and page furniture shorter than this answer nothing
Entity = tuple[int, int, str]  # start, end (offsets in the passage text), spaCy label


class SentenceSpan(NamedTuple):
    start: int  # offsets in the passage text
    end: int
    previous: int | None  # start of the sentence before it, which often names the subject


@dataclass(frozen=True)
class StoredSentence:
    """One answer sentence of a passage as the index holds it (offsets in the passage text)."""

    span: SentenceSpan
    vector: np.ndarray
    entities: tuple[Entity, ...]
    subjects: tuple[tuple[int, int], ...] = ()  # spans of its grammatical subjects
    has_verb: bool = False


def answer_sentences(text: str) -> list[SentenceSpan]:
    """Sentences long enough to hold an answer, with where the sentence before each starts."""
    spans: list[SentenceSpan] = []
    previous: int | None = None
    for begin, end in sentence_spans(text, 0):
        if end - begin >= MIN_SENTENCE_CHARS:
            spans.append(SentenceSpan(begin, end, previous))
        previous = begin
    return spans


def sentences_of(passages: Sequence[Passage], *, cached: dict[str, list[SentenceSpan]] | None = None) -> dict[str, list[SentenceSpan]]:
    """Each distinct passage text's answer sentences, keyed by content hash: cut once, and not again
    for a text `cached` (the previous build) already holds."""
    found: dict[str, list[SentenceSpan]] = dict(cached or {})
    for passage in passages:
        if passage.content_hash not in found:
            found[passage.content_hash] = answer_sentences(passage.text)
    return found


def embed_passages(
    passages: Sequence[Passage],
    spans_of: dict[str, list[SentenceSpan]],
    embedder: Embedder,
    *,
    cached: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    progress: bool = False,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each passage's vector and its answer sentences' vectors, in one pass over each new text.

    Passages whose text `cached` (the previous build) holds are not embedded again; the same
    text in two places is embedded once.
    """
    found = dict(cached or {})
    todo = {p.content_hash: p for p in passages if p.content_hash not in found}
    if todo:
        texts, spans = [], []
        for key, passage in todo.items():
            shift = len(passage.embedding_text) - len(passage.text)  # the title line before the text
            texts.append(passage.embedding_text)
            spans.append([(s.start + shift, s.end + shift) for s in spans_of[key]])
        vectors, sentence_vectors = embedder.embed_in_context(texts, spans, progress=progress)
        for key, vector, sentences in zip(todo, vectors, sentence_vectors):
            found[key] = (vector, sentences.reshape(len(spans_of[key]), vectors.shape[1]))
    passage_vectors = np.stack([found[p.content_hash][0] for p in passages]).astype(np.float32)
    return passage_vectors, [found[p.content_hash][1] for p in passages]
