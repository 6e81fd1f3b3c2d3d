"""The unit of retrieval: a span of one issue's cleaned text with its provenance."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A few sentences of one article, pointing at their exact place in the cleaned text.

    `start`/`end` are character offsets into the issue's cleaned text, so a citation can
    show the exact place; `id` is stable across rebuilds for the same text at the same place.
    """

    id: str
    doc_id: str
    issue: str  # "ROCB A/P E-Newsletter No. 79"
    series: str
    number: str | None
    date_start: str | None  # ISO dates of the period the issue covers
    date_end: str | None
    date_label: str  # "Oct–Dec 2022"
    title: str  # the article it belongs to
    start: int
    end: int
    text: str

    @property
    def embedding_text(self) -> str:
        """What is embedded and BM25-indexed: the article title gives a passage its context.

        An article's first passage already opens with its title; repeating it would weigh
        the title twice and pull that passage above the ones holding the facts.
        """
        if self.text.startswith(self.title):
            return self.text
        return f"{self.title}\n{self.text}"

    @property
    def content_hash(self) -> str:
        """Key of the stored vector: the same text is never embedded twice."""
        return hashlib.sha1(self.embedding_text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        return cls(**data)


def passage_id(doc_id: str, start: int, text: str) -> str:
    """Same file, same place, same text: same id."""
    return hashlib.sha1(f"{doc_id}\x1f{start}\x1f{text}".encode("utf-8")).hexdigest()[:16]
