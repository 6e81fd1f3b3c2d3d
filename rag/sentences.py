"""The sentences of a passage that could answer a question, and their stored vectors.

The answer finder compares the question with every sentence of the retrieved passages.
Embedding those sentences at question time costs about half a second on two cores, so
the index embeds them once at build time; both sides cut sentences with the one function
here, so a stored vector always belongs to the sentence it is looked up for.

    spans = answer_sentences(passage.text)          # [(start, end, previous_start), ...]
    vectors = embed_sentences(passages, embedder)   # one (len(spans), dim) array per passage
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from rag.chunking import sentence_spans
from rag.embedder import Embedder
from rag.passages import Passage

MIN_SENTENCE_CHARS = 25  # headings, captions and page furniture answer nothing


class SentenceSpan(NamedTuple):
    start: int  # offsets in the passage text
    end: int
    previous: int | None  # start of the sentence before it, which often names the subject


def answer_sentences(text: str) -> list[SentenceSpan]:
    """Sentences long enough to hold an answer, with where the sentence before each starts."""
    spans: list[SentenceSpan] = []
    previous: int | None = None
    for begin, end in sentence_spans(text, 0):
        if end - begin >= MIN_SENTENCE_CHARS:
            spans.append(SentenceSpan(begin, end, previous))
        previous = begin
    return spans


def embed_sentences(
    passages: Sequence[Passage],
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
        spans = answer_sentences(text)
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
