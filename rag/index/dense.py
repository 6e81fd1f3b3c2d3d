"""Dense vectors in FAISS, searched by inner product on normalised vectors (cosine).

Exact search (`IndexFlatIP`) while the corpus is small: it is both faster to build and
exact at a few thousand passages. Past `ann_threshold` passages "auto" switches to HNSW,
which answers in sub-linear time at a small cost in recall; it needs no training, so it
can be rebuilt incrementally like the flat index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np

DenseKind = Literal["flat", "hnsw"]
HNSW_NEIGHBOURS = 32
# A corpus with many near-copies of a passage (an article reprinted, issue after issue) fills a
# narrow build search with copies and leaves the graph poorly linked between them: at 500
# synthetic issues, efConstruction 40 (FAISS's default) gave recall@10 0.858 against exact
# search, 300 gave 0.978 and 500 gave 1.000, at a search width of 256 (benchmarks/scaling.py).
HNSW_EF_CONSTRUCTION = 500
HNSW_EF_SEARCH = 256
# One query at a time gains nothing from FAISS's OpenMP threads, and their spin-waiting
# steals the cores the embedding model needs next: measured, warm hybrid p50 went from
# 18.5 ms to 10.5 ms on 2 cores with FAISS searching single-threaded.
SEARCH_THREADS = 1


def choose_kind(requested: str, passages: int, threshold: int) -> DenseKind:
    if requested == "auto":
        return "hnsw" if passages > threshold else "flat"
    return requested  # type: ignore[return-value]


class DenseIndex:
    """Row i of the vectors is passage i; search returns (scores, rows)."""

    def __init__(self, index, kind: DenseKind) -> None:
        self._index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: DenseKind) -> DenseIndex:
        import faiss

        dimensions = vectors.shape[1]
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dimensions, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            inner = faiss.IndexFlatIP(dimensions)
        index = faiss.IndexIDMap(inner)
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.arange(len(vectors), dtype=np.int64))
        return cls(index, kind)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None, *, ef_search: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows (and their cosine scores), restricted to `allowed` rows when given; `ef_search`
        widens (or narrows) HNSW's search beyond HNSW_EF_SEARCH."""
        import faiss

        faiss.omp_set_num_threads(SEARCH_THREADS)
        if self.size == 0 or (allowed is not None and len(allowed) == 0):
            return np.empty(0, dtype=np.float32), np.empty(0, dtype=np.int64)
        params = None
        if self.kind == "hnsw":  # the width is set per search: an index saved by an older build keeps its own
            params = faiss.SearchParametersHNSW()
            params.efSearch = ef_search or HNSW_EF_SEARCH
        elif allowed is not None:
            params = faiss.SearchParameters()
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params.sel = selector
        k = min(k, self.size if allowed is None else len(allowed))
        scores, rows = self._index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, kind: DenseKind) -> DenseIndex:
        import faiss

        return cls(faiss.read_index(str(path), faiss.IO_FLAG_MMAP), kind)
