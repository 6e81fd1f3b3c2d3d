"""BM25 over the same passages, through bm25s (sparse matrices, saved beside the vectors).

Tokens are lower-cased, English stop words dropped and Snowball-stemmed, so "workshops"
matches "workshop"; the query goes through the very same tokenizer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.terms import american_spelling

_LETTERS = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def _tokenize(texts: list[str]):
    import bm25s

    texts = [_LETTERS.sub(lambda m: american_spelling(m.group(0).lower()), text) for text in texts]
    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)


class SparseIndex:
    """BM25 scores of every passage row for a query."""

    def __init__(self, retriever, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> SparseIndex:
        import bm25s

        retriever = bm25s.BM25()
        retriever.index(_tokenize(texts), show_progress=False)
        return cls(retriever, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of each row (zeros when no query term is in the vocabulary)."""
        tokens = _tokenize([query])
        vocabulary = tokens.vocab
        inverse = {index: word for word, index in vocabulary.items()}
        words = [inverse[i] for i in tokens.ids[0]] if tokens.ids else []
        known = [w for w in words if w in self._retriever.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> SparseIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder)), size)
