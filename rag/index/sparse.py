"""BM25 over the same passages, through bm25s (sparse matrices, saved beside the vectors).

Tokens are lower-cased, English stop words dropped and Snowball-stemmed, so "workshops"
matches "workshop"; the query goes through the very same tokenizer.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.terms import american_spelling

_LETTERS = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def _bm25s():
    """bm25s, imported once; its import sets its own logger to DEBUG ("Building index from IDs
    objects" on every build), so the level goes back to what the application chose."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def _tokenize(texts: list[str]):
    bm25s = _bm25s()
    texts = [_LETTERS.sub(lambda m: american_spelling(m.group(0).lower()), text) for text in texts]
    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)


class SparseIndex:
    """BM25 scores of every passage row for a query."""

    def __init__(self, retriever, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> SparseIndex:
        retriever = _bm25s().BM25()
        retriever.index(_tokenize(texts), show_progress=False)
        return cls(retriever, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of each row (zeros when no query term is in the vocabulary)."""
        return self.term_scores(self.terms(query))

    def terms(self, text: str) -> list[str]:
        """The text's index terms (stemmed, stop words out) that the vocabulary knows, in order."""
        tokens = _tokenize([text])
        inverse = {index: word for word, index in tokens.vocab.items()}
        words = [inverse[i] for i in tokens.ids[0]] if tokens.ids else []
        return [w for w in words if w in self._retriever.vocab_dict]

    def term_scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of each row for already-tokenised terms."""
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(terms), dtype=np.float32)

    def document_frequency(self, term: str) -> int:
        """How many rows hold `term` (0 when unknown)."""
        column = self._retriever.vocab_dict.get(term)
        if column is None:
            return 0
        indptr = self._retriever.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> SparseIndex:
        return cls(_bm25s().BM25.load(str(folder), mmap=True), size)
