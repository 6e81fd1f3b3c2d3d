"""The sentences of the retrieved passages that could answer, with what the index stored for each.

Overlapping passages share sentences; each sentence is kept once, from the best-ranked
passage that holds it. Each candidate carries its stored vector and entities, and the
span of the sentences around it (the sentence before often names the subject, the one
after often finishes the thought).

    for candidate in gather(hits, retriever.sentences):
        print(candidate.hit_rank, candidate.text, candidate.entities)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.index.passages import Passage
from rag.index.sentences import Entity, StoredSentence
from rag.retrieve.retriever import Hit


@dataclass(frozen=True)
class SentenceCandidate:
    """One answer sentence of a retrieved passage."""

    hit: Hit
    hit_rank: int  # 0 for the best passage
    start: int  # offsets in hit.passage.text
    end: int
    context_start: int  # the sentence before it starts here (or it does)
    context_end: int  # the sentence after it ends here (or it does)
    vector: np.ndarray
    entities: tuple[Entity, ...]  # offsets in hit.passage.text
    subjects: tuple[tuple[int, int], ...] = ()  # spans of its grammatical subjects, offsets in hit.passage.text
    has_verb: bool = False

    @property
    def passage(self) -> Passage:
        return self.hit.passage

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def context(self) -> str:
        return self.passage.text[self.context_start : self.context_end]

    @property
    def absolute_start(self) -> int:
        """Where it starts in the issue's cleaned text."""
        return self.passage.start + self.start


_BULLETS = " \t-•⚫▪●*"
_ENUMERATOR_END = re.compile(r"[.)](\s|$)")


def _enumerator(text: str, sentence_start: int, start: int, end: int) -> bool:
    """"2. Workshop on ...", "(3) How does ...", "1) WCO tools": a number that numbers a list item
    counts nothing; the recogniser labels it a cardinal all the same."""
    if 0 < start and text[start - 1] == "(" and text[end : end + 1] == ")":
        return True
    return not text[sentence_start:start].strip(_BULLETS + "(") and bool(_ENUMERATOR_END.match(text, end))


def without_enumerators(entities: Sequence[Entity], text: str, sentence_start: int) -> tuple[Entity, ...]:
    """The entities of a sentence less the list enumerators among its numbers."""
    return tuple(e for e in entities if not (e[2] == "CARDINAL" and e[1] - e[0] <= 4 and _enumerator(text, sentence_start, e[0], e[1])))


def gather(hits: Sequence[Hit], sentences_of: Callable[[Passage], list[StoredSentence]]) -> list[SentenceCandidate]:
    """Every answer sentence of `hits`, each once, in the order of the hits."""
    seen: set[tuple[str, int]] = set()
    found: list[SentenceCandidate] = []
    for rank, hit in enumerate(hits):
        stored = sentences_of(hit.passage)
        for position, sentence in enumerate(stored):
            span = sentence.span
            where = (hit.passage.doc_id, hit.passage.start + span.start)
            if where in seen:
                continue
            seen.add(where)
            following = stored[position + 1].span.end if position + 1 < len(stored) else span.end
            before = span.previous if span.previous is not None else span.start
            found.append(
                SentenceCandidate(
                    hit,
                    rank,
                    span.start,
                    span.end,
                    before,
                    following,
                    sentence.vector,
                    without_enumerators(sentence.entities, hit.passage.text, span.start),
                    sentence.subjects,
                    sentence.has_verb,
                )
            )
    return found
