"""Hybrid retrieval over a built index: dense (FAISS) and BM25, fused linearly (or by reciprocal rank).

    retriever = Retriever.open("embeddings/index")
    result = retriever.search("Who opened the AEO workshop?", k=5)
    for hit in result.hits:
        print(hit.score, hit.passage.issue, hit.passage.title, hit.passage.text[:80])
    print(result.filters.describe())   # e.g. "issue ROCB A/P E-Newsletter No. 79 named in the question"

Opening reads the index from disk; the embedding model loads on the first dense query.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from rag.config import RetrievalMode, Settings, load_settings
from rag.index.embedder import Embedder, make_embedder
from rag.errors import IndexMismatchError, QueryError
from rag.index.store import StoredIndex, load_index
from rag.index.passages import Passage
from rag.index.sentences import StoredSentence
from rag.retrieve.filters import Filters, IssueInfo, parse_filters

MAX_QUERY_CHARS = 4000  # longer questions are cut: the embedder reads ~200 words anyway
DUPLICATE_SHINGLE_OVERLAP = 0.6  # share of 5-word shingles that makes two passages the same text
COPY_PAIRS_KEPT = 200_000  # passage pairs whose sameness is remembered (up to some 30 MB); then forgotten and re-learnt
NEIGHBOUR_PENALTY = 0.97  # score factor for a passage overlapping a better one: a nudge of about a place;
# measured, stronger demotion (0.95, 0.9, or pushing neighbours to the end) loses recall.


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the two scores it came from."""

    passage: Passage
    score: float
    rank: int
    dense_score: float | None = None
    bm25_score: float | None = None


@dataclass(frozen=True)
class SearchResult:
    query: str
    mode: RetrievalMode
    hits: list[Hit]
    filters: Filters
    timings_ms: dict[str, float] = field(default_factory=dict)


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


class Retriever:
    """Searches one index; cheap to query repeatedly, safe to share for reading."""

    def __init__(self, stored: StoredIndex, embedder: Embedder, settings: Settings) -> None:
        self._stored = stored
        self._embedder = embedder
        self.settings = settings
        self.passages = stored.passages
        self.catalogue = [
            IssueInfo(d["issue"], d["series"], d["number"], _iso(d["date_start"]), _iso(d["date_end"])) for d in stored.documents
        ]
        self._row_issue = np.array([p.issue for p in self.passages], dtype=object)
        self._shingle_cache: dict[int, set[tuple[str, ...]]] = {}
        self._copies: dict[tuple[int, int], bool] = {}  # (row, row) -> same text; the same pairs meet query after query
        self._row_of = {p.id: row for row, p in enumerate(self.passages)}
        self._article_of: dict[str, list[Passage]] = {}  # passage id -> its article's passages, in reading order
        article: list[Passage] = []
        for passage in sorted(self.passages, key=lambda p: (p.doc_id, p.start)):
            if not article or (article[-1].doc_id, article[-1].title) != (passage.doc_id, passage.title):
                article = []  # an issue may have two articles of one title ("Introduction"): each is its own run
            article.append(passage)
            self._article_of[passage.id] = article

    @classmethod
    def open(
        cls,
        index_dir: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
    ) -> Retriever:
        """Open the index at `index_dir` (default: settings.index_dir) with the model that built it."""
        settings = settings or load_settings()
        if index_dir is not None:
            settings = settings.model_copy(update={"index_dir": Path(index_dir)})
        stored = load_index(settings.index_dir)
        built_with, backend = stored.manifest.embedding_model, stored.manifest.embedding_backend
        if embedder is not None and (embedder.name, embedder.backend) != (built_with, backend):
            raise IndexMismatchError(
                f"The index at {settings.index_dir} was built with {built_with!r} ({backend}), not "
                f"{embedder.name!r} ({embedder.backend}): its vectors would give wrong neighbours. "
                "Run `rag index --rebuild` with the model you want."
            )
        embedder = embedder or make_embedder(
            built_with, backend, cache_dir=settings.model_cache_dir, batch_size=settings.embed_batch_size, threads=settings.threads
        )
        return cls(stored, embedder, settings)

    @property
    def documents(self) -> list[dict]:
        """Cleaned text and metadata of each indexed issue (for citations and the UI)."""
        return self._stored.documents

    @property
    def built_at(self) -> str:
        """When the index was built: results computed on another build may differ."""
        return self._stored.manifest.built_at

    @property
    def embedder(self) -> Embedder:
        """The model that built this index: questions and sentences must be embedded with it."""
        return self._embedder

    def sentences(self, passage: Passage) -> list[StoredSentence]:
        """The passage's answer sentences with their stored vectors and entities (rag/index/sentences.py)."""
        row = self._row_of.get(passage.id)
        if row is None or self.passages[row] != passage:
            raise KeyError(f"passage {passage.id} is not in this index")
        return self._stored.sentences[row]

    def article(self, passage: Passage) -> list[Passage]:
        """Every passage of `passage`'s article, in reading order (the answer finder reads a whole article)."""
        return self._article_of.get(passage.id, [passage])

    def warm_up(self) -> None:
        """Load the embedding model now rather than on the first query."""
        self._embedder.embed_query("warm up")

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        mode: RetrievalMode | None = None,
        issue: str | list[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        auto_filters: bool | None = None,
        filters: Filters | None = None,
    ) -> SearchResult:
        """The k best passages for `query`; explicit filters win over ones read from the question.

        `filters`, when given, is used as it is (the answer side reads them from the question once).
        """
        if not isinstance(query, str) or not query.strip():
            raise QueryError("The question is empty: type a question about the newsletters.")
        query = query.strip()[:MAX_QUERY_CHARS]
        k = k or self.settings.k
        mode = mode or self.settings.mode
        if mode not in ("hybrid", "dense", "bm25"):
            raise QueryError(f"Unknown retrieval mode {mode!r}; use hybrid, dense or bm25.")
        if filters is None or issue or date_from or date_to:
            auto = self.settings.auto_filters if auto_filters is None else auto_filters
            filters = self._filters(query, issue, date_from, date_to, auto and filters is None)
        allowed = self._allowed_rows(filters)

        timings: dict[str, float] = {}
        candidates = max(self.settings.candidates, 3 * k)
        started = time.perf_counter()
        vector = self._embedder.embed_query(query) if mode in ("hybrid", "dense") else None
        timings["embed"] = (time.perf_counter() - started) * 1000
        bm25 = self._stored.sparse.scores(query) if mode in ("hybrid", "bm25") else None
        dense, sparse = self.candidates(vector, bm25, allowed, candidates)
        hits = self.rank(dense, sparse, mode, k)
        timings["retrieve"] = (time.perf_counter() - started) * 1000
        return SearchResult(query=query, mode=mode, hits=hits, filters=filters, timings_ms=timings)

    def candidates(
        self, vector: np.ndarray | None, bm25: np.ndarray | None, allowed: np.ndarray | None, candidates: int
    ) -> tuple[dict[int, float], dict[int, float]]:
        """The best rows by each retriever, within the allowed rows (row -> score)."""
        dense: dict[int, float] = {}
        sparse: dict[int, float] = {}
        if vector is not None:
            scores, rows = self._stored.dense.search(vector, candidates, allowed)
            dense = {int(r): float(s) for r, s in zip(rows, scores)}
        if bm25 is not None:
            if allowed is not None:
                mask = np.zeros(len(bm25), dtype=bool)
                mask[allowed] = True
                bm25 = np.where(mask, bm25, 0.0)
            top = np.argsort(-bm25)[:candidates]
            sparse = {int(r): float(bm25[r]) for r in top if bm25[r] > 0}
        return dense, sparse

    def read_filters(self, query: str) -> Filters:
        """The issue or time a question names, as a filter over this index's issues."""
        return parse_filters(query, self.catalogue)

    def _filters(self, query: str, issue, date_from, date_to, auto: bool) -> Filters:
        if issue or date_from or date_to:
            wanted = [issue] if isinstance(issue, str) else list(issue or [])
            labels = {i.label for i in self.catalogue for w in wanted if self._issue_matches(i, w)}
            if wanted and not labels:
                known = "; ".join(i.label for i in self.catalogue)
                raise QueryError(f"No indexed issue matches {', '.join(wanted)!r}. Indexed issues: {known}.")
            reasons = [f"issue {', '.join(sorted(labels))} chosen"] if labels else []
            if date_from or date_to:
                reasons.append(f"issues dated {date_from or '…'} to {date_to or '…'}")
            return Filters(issues=frozenset(labels), date_from=date_from, date_to=date_to, reasons=tuple(reasons))
        return parse_filters(query, self.catalogue) if auto else Filters()

    @staticmethod
    def _issue_matches(info: IssueInfo, wanted: str) -> bool:
        """"79", "No. 79", "ROCB 79" and the full label all name ROCB A/P E-Newsletter No. 79."""
        wanted = wanted.strip().lower()
        if wanted == info.label.lower():
            return True
        number = re.search(r"(\d+)\s*$", wanted)
        if not number or not info.number or number.group(1).lstrip("0") != info.number.lstrip("0"):
            return False
        prefix = re.sub(r"\b(?:no|vol|issue|number)\W*$", "", wanted[: number.start()]).strip(" .#")
        return not prefix or prefix in info.series.lower()

    def rank(
        self,
        dense: dict[int, float],
        sparse: dict[int, float],
        mode: RetrievalMode,
        k: int,
        weights: tuple[float, float] | None = None,
        fusion: str | None = None,
    ) -> list[Hit]:
        """The k hits from the two retrievers' candidates, fused (with `weights` = (dense, bm25)
        and `fusion` when given, else the settings') and freed of repeated text."""
        return self._diversify(self._fuse(dense, sparse, mode, weights, fusion), dense, sparse, k)

    @property
    def sparse(self):
        """The BM25 index (rag/index/sparse.py): evaluation re-scores queries with it."""
        return self._stored.sparse

    def row_of(self, passage: Passage) -> int:
        """The passage's row in this index (its place in `passages` and in the score arrays)."""
        return self._row_of[passage.id]

    def allowed_rows(self, filters: Filters) -> np.ndarray | None:
        """The rows a filter lets through (None: all)."""
        return self._allowed_rows(filters)

    def _allowed_rows(self, filters: Filters) -> np.ndarray | None:
        if not filters.active:
            return None
        labels = {i.label for i in self.catalogue if filters.allows(i)}
        return np.flatnonzero(np.isin(self._row_issue, list(labels)))

    def _fuse(
        self,
        dense: dict[int, float],
        sparse: dict[int, float],
        mode: RetrievalMode,
        weights: tuple[float, float] | None = None,
        fusion: str | None = None,
    ) -> list[tuple[int, float]]:
        """One ranking from the two retrievers' candidates.

        "linear" (the default) rescales each retriever's candidate scores to 0..1 and adds
        them with the configured weights (dense 0.35 : BM25 1, chosen by `rag eval retrieval-cv`),
        so a passage both retrievers like strongly wins; under cross-validation it beats
        reciprocal rank fusion ("rrf": R@5 0.957 against 0.927), because it keeps how far ahead
        a candidate is rather than only its place.
        """
        if mode == "dense":
            return sorted(dense.items(), key=lambda item: -item[1])
        if mode == "bm25":
            return sorted(sparse.items(), key=lambda item: -item[1])
        dense_weight, bm25_weight = weights or (self.settings.dense_weight, self.settings.bm25_weight)
        weighted = ((dense_weight, dense), (bm25_weight, sparse))
        fused: dict[int, float] = {}
        if (fusion or self.settings.fusion) == "rrf":
            for weight, scores in weighted:
                for rank, row in enumerate(sorted(scores, key=lambda r: -scores[r])):
                    fused[row] = fused.get(row, 0.0) + weight / (self.settings.rrf_k + rank + 1)
        else:
            total = sum(weight for weight, _ in weighted) or 1.0
            for weight, scores in weighted:
                if not scores:
                    continue
                high, low = max(scores.values()), min(scores.values())
                for row, score in scores.items():
                    scaled = (score - low) / (high - low) if high > low else 1.0
                    fused[row] = fused.get(row, 0.0) + weight / total * scaled
        return sorted(fused.items(), key=lambda item: -item[1])

    def _shingles(self, row: int) -> set[tuple[str, ...]]:
        if row not in self._shingle_cache:
            self._shingle_cache[row] = _shingles(self.passages[row].text)
        return self._shingle_cache[row]

    def _same_text(self, row: int, other: int) -> bool:
        """Do two passages share enough 5-word shingles to be one text printed twice?"""
        pair = (row, other) if row < other else (other, row)
        same = self._copies.get(pair)
        if same is None:
            mine, theirs = self._shingles(row), self._shingles(other)
            same = len(mine & theirs) / max(1, min(len(mine), len(theirs))) >= DUPLICATE_SHINGLE_OVERLAP
            if len(self._copies) >= COPY_PAIRS_KEPT:
                self._copies.clear()
            self._copies[pair] = same
        return same

    def _diversify(self, ranked: list[tuple[int, float]], dense, sparse, k: int) -> list[Hit]:
        """Drop repeated text (the same foreword in two issues); move overlap neighbours down.

        A passage sharing a sentence with a better-ranked one from the same place is not a
        copy, so its score is only lowered by NEIGHBOUR_PENALTY, never dropped.
        """
        seen: list[int] = []
        scored: list[tuple[float, int]] = []
        for row, score in ranked:
            passage = self.passages[row]
            if any(self._same_text(row, other) for other in seen):
                continue
            overlaps = any(
                self.passages[other].doc_id == passage.doc_id
                and self.passages[other].start < passage.end
                and passage.start < self.passages[other].end
                for other in seen
            )
            seen.append(row)
            scored.append((score * NEIGHBOUR_PENALTY if overlaps else score, row))
            if len(scored) >= 2 * k:
                break
        chosen = [(row, score) for score, row in sorted(scored, key=lambda item: -item[0])[:k]]
        return [
            Hit(self.passages[row], score, rank + 1, dense.get(row), sparse.get(row))
            for rank, (row, score) in enumerate(chosen)
        ]
