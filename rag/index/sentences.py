"""The sentences of a passage that could answer a question, with their stored vectors and entities.

The answer side compares the question with every sentence of the retrieved passages and
looks in them for the kind of thing asked for. Cutting, embedding and reading those
sentences at question time would cost about half a second on two cores, so the index does
it once at build time; both sides take the sentences from here, so a stored vector and
entity list always belong to the sentence they are looked up for.

    spans = answer_sentences(passage.text)          # [(start, end, previous_start), ...]
    vectors = embed_sentences(passages, spans_of, embedder)   # one (len(spans), dim) array per passage
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


def embed_sentences(
    passages: Sequence[Passage],
    spans_of: dict[str, list[SentenceSpan]],
    embedder: Embedder,
    *,
    cached: dict[str, np.ndarray] | None = None,
    progress: bool = False,
) -> list[np.ndarray]:
    """One array of sentence vectors per passage; passages whose text is in `cached` are not re-embedded."""
    cached = dict(cached or {})
    todo = {p.content_hash: p.text for p in passages if p.content_hash not in cached}
    texts: list[str] = []
    owners: list[tuple[str, int]] = []
    for key, text in todo.items():
        spans = spans_of[key]
        owners.append((key, len(spans)))
        texts.extend(text[s.start : s.end] for s in spans)
    unique = list(dict.fromkeys(texts))  # overlapping passages share a sentence: embed it once
    found = embedder.embed_documents(unique, progress=progress) if unique else np.zeros((0, embedder.dimensions), np.float32)
    row_of = {text: row for row, text in enumerate(unique)}
    vectors = np.asarray(found, dtype=np.float32)[[row_of[text] for text in texts]] if texts else found
    cursor = 0
    for key, count in owners:
        cached[key] = vectors[cursor : cursor + count]
        cursor += count
    return [cached[p.content_hash] for p in passages]
