"""Split an issue's articles into sentence-aware, overlapping passages.

Sizes are counted with the embedding model's own tokenizer (a `count_tokens` callable),
because a model such as all-MiniLM-L6-v2 reads 256 word pieces and silently drops the
rest: no passage, title included, may exceed `max_tokens`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rag.ingest import Document
from rag.index.passages import Passage, passage_id

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class ChunkerSettings:
    target_tokens: int  # a passage closes once it reaches this size
    max_tokens: int  # hard limit of the embedding model, title included
    overlap_sentences: int  # sentences repeated at the start of the next passage

    def as_dict(self) -> dict[str, int]:
        return {"target_tokens": self.target_tokens, "max_tokens": self.max_tokens, "overlap_sentences": self.overlap_sentences}


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """Character spans of the sentences of one block, shifted by `offset`."""
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        spans.extend((offset + paragraph.start() + a, offset + paragraph.start() + b) for a, b in _paragraph_sentences(paragraph.group(0)))
    return spans


@lru_cache(maxsize=8192)
def _paragraph_sentences(paragraph: str) -> tuple[tuple[int, int], ...]:
    """pysbd's sentences of one paragraph, remembered: a build cuts each paragraph twice, into
    passages and again into a passage's answer sentences (2.5 s of pysbd saved per build)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter().segment(paragraph):
        sentence = piece.sent.strip()
        begin = paragraph.find(sentence, cursor)
        if begin < 0 or not sentence:
            continue
        spans.append((begin, begin + len(sentence)))
        cursor = begin + len(sentence)
    return tuple(spans)


def _split_long(text: str, start: int, end: int, budget: int, count: TokenCounter) -> list[tuple[int, int]]:
    """Cut a sentence longer than the budget at word boundaries."""
    pieces: list[tuple[int, int]] = []
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    piece_start = 0
    while piece_start < len(words):
        lo, hi = piece_start + 1, len(words)
        while lo < hi:  # the longest run of words that fits
            mid = (lo + hi + 1) // 2
            if count(text[words[piece_start][0] : words[mid - 1][1]]) <= budget:
                lo = mid
            else:
                hi = mid - 1
        pieces.append((words[piece_start][0], words[lo - 1][1]))
        piece_start = lo
    return pieces


def chunk_document(document: Document, settings: ChunkerSettings, count: TokenCounter) -> list[Passage]:
    """All passages of one issue, in reading order, never crossing an article boundary."""
    passages: list[Passage] = []
    text = document.text
    meta = document.metadata
    count = _remembered(count)
    for section in document.sections:
        title = section.title
        budget = settings.max_tokens - count(title + "\n")
        runs: list[list[tuple[int, int]]] = [[]]  # sentences between contents lists
        for start, end in sentence_spans(text[section.start : section.end], section.start):
            if any(c_start <= start < c_end for c_start, c_end in document.contents_spans):
                runs.append([])
            elif count(text[start:end]) > budget:
                runs[-1].extend(_split_long(text, start, end, budget, count))
            else:
                runs[-1].append((start, end))
        groups = [group for run in runs for group in _group(run, text, settings, budget, count)]
        for start, end in groups:
            body = text[start:end]
            passages.append(
                Passage(
                    id=passage_id(document.doc_id, start, body),
                    doc_id=document.doc_id,
                    issue=meta.label,
                    series=meta.series,
                    number=meta.number,
                    date_start=meta.period_start.isoformat() if meta.period_start else None,
                    date_end=meta.period_end.isoformat() if meta.period_end else None,
                    date_label=meta.date_label,
                    title=title,
                    start=start,
                    end=end,
                    text=body,
                )
            )
    return passages


def _remembered(count: TokenCounter) -> TokenCounter:
    """`count` that answers a text it has seen from memory: packing asks for each growing run of
    sentences twice, and a one-sentence run is the sentence counted before (half the build's
    tokenizer calls)."""
    seen: dict[str, int] = {}

    def remembered(text: str) -> int:
        if text not in seen:
            seen[text] = count(text)
        return seen[text]

    return remembered


def _group(
    spans: list[tuple[int, int]], text: str, settings: ChunkerSettings, budget: int, count: TokenCounter
) -> list[tuple[int, int]]:
    """Greedy packing of sentences up to the target, with sentence overlap between passages."""
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans):
            candidate = count(text[spans[first][0] : spans[last + 1][1]])
            if candidate > budget or count(text[spans[first][0] : spans[last][1]]) >= settings.target_tokens:
                break
            last += 1
        groups.append((spans[first][0], spans[last][1]))
        if last + 1 >= len(spans):
            break
        overlap = min(settings.overlap_sentences, last - first)
        first = last + 1 - overlap
    return groups
