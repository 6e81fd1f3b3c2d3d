"""Retrieval's tunables chosen by leave-one-issue-out cross-validation, and each lever measured.

The question sets are training data for the fusion weight as much as for the reader: a
weight fitted on all of them proves nothing about a question nobody has written yet. So
each setting is chosen on the questions about four issues and scored on the fifth, five
times, and the folds are pooled (the same folds as the reader's, `folds_of`). Every
question's candidates and BM25 score arrays are computed once; each setting only re-fuses.

Levers, each scored the same way:
- fusion weight of the dense side against BM25 (linear fusion of min-max scaled scores);
- reciprocal rank fusion instead;
- pseudo-relevance feedback for BM25: the most telling terms of the top BM25 passages added
  to the query at a weight;
- the article title as a field of its own, its BM25 added at a weight.

    rows = collect(named_questions, retriever)
    report = cross_validate(rows, retriever)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean

import numpy as np
from tqdm import tqdm

from eval.matching import contains_evidence
from eval.questions import Question
from eval.reader_training import folds_of
from rag.index.sparse import SparseIndex
from rag.retrieve.retriever import Retriever

DENSE_WEIGHTS = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0, 1.25, 1.5)  # against BM25's 1.0
FEEDBACK_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5)
TITLE_WEIGHTS = (0.0, 0.1, 0.25, 0.5)
FEEDBACK_PASSAGES = 3
FEEDBACK_TERMS = 10
CANDIDATES = 50
K = 10


@dataclass
class RetrievalRow:
    """One answerable question, with everything a setting needs to rank its candidates."""

    question: Question
    set_name: str
    fold: str
    excluded: frozenset[str]
    dense: dict[int, float]
    bm25: np.ndarray  # per row
    feedback: np.ndarray  # BM25 of the expansion terms, per row
    title: np.ndarray  # BM25 of the question against the titles, per row
    allowed: np.ndarray | None
    relevant: dict[int, list[bool]]  # row -> does it hold each evidence quote


def collect(named: Sequence[tuple[str, Question]], retriever: Retriever, *, progress: bool = True) -> list[RetrievalRow]:
    """Candidates and score arrays for every answerable question, as `rag eval` would search it."""
    sparse = retriever.sparse
    titles = SparseIndex.build([p.title for p in retriever.passages])
    issues = [info.label for info in retriever.catalogue]
    texts = [p.embedding_text for p in retriever.passages]
    terms_of: dict[int, list[str]] = {}
    rows = []
    for set_name, question in tqdm(named, desc="retrieval", unit="q", disable=not progress):
        if not question.answerable:
            continue
        query = question.question
        filters = retriever.read_filters(query) if retriever.settings.auto_filters else None
        allowed = retriever.allowed_rows(filters) if filters is not None else None
        vector = retriever.embedder.embed_query(query)
        bm25 = sparse.scores(query)
        dense, _ = retriever.candidates(vector, None, allowed, CANDIDATES)
        feedback = sparse.term_scores(_expansion(sparse, bm25, allowed, sparse.terms(query), texts, terms_of))
        title = titles.scores(query)
        pool = set(dense) | set(_top(bm25, allowed, CANDIDATES)) | set(_top(bm25 + feedback + title, allowed, CANDIDATES))
        relevant = {row: [contains_evidence(quote, retriever.passages[row].text) for quote in question.evidence] for row in pool}
        fold, excluded = folds_of(question, issues)
        rows.append(RetrievalRow(question, set_name, fold, excluded, dense, bm25, feedback, title, allowed, relevant))
    return rows


def _top(scores: np.ndarray, allowed: np.ndarray | None, n: int) -> list[int]:
    if allowed is not None:
        mask = np.zeros(len(scores), dtype=bool)
        mask[allowed] = True
        scores = np.where(mask, scores, 0.0)
    return [int(r) for r in np.argsort(-scores)[:n] if scores[r] > 0]


def _expansion(
    sparse: SparseIndex, bm25: np.ndarray, allowed, query_terms: list[str], texts: list[str], terms_of: dict[int, list[str]]
) -> list[str]:
    """The FEEDBACK_TERMS terms of the top BM25 passages with the highest tf·idf, not already asked."""
    counts: Counter[str] = Counter()
    for row in _top(bm25, allowed, FEEDBACK_PASSAGES):
        if row not in terms_of:
            terms_of[row] = sparse.terms(texts[row])
        counts.update(terms_of[row])
    asked = set(query_terms)
    weight = {t: c * math.log(sparse.size / max(1, sparse.document_frequency(t))) for t, c in counts.items() if t not in asked}
    return [t for t, _ in sorted(weight.items(), key=lambda item: -item[1])[:FEEDBACK_TERMS]]


@dataclass(frozen=True)
class Setting:
    mode: str = "hybrid"  # hybrid, dense or bm25
    fusion: str = "linear"
    dense_weight: float = 1.0
    feedback: float = 0.0
    title: float = 0.0

    def describe(self) -> str:
        if self.mode != "hybrid":
            return f"{self.mode} only" + (f" (feedback {self.feedback}, title {self.title})" if self.mode == "bm25" and (self.feedback or self.title) else "")
        return f"{self.fusion} dense {self.dense_weight} feedback {self.feedback} title {self.title}"


def score(row: RetrievalRow, setting: Setting, retriever: Retriever) -> dict[str, float]:
    """Recall@5, MRR@10 and Recall@10 of one question under one setting."""
    bm25 = row.bm25 + setting.feedback * row.feedback + setting.title * row.title
    sparse = {r: float(bm25[r]) for r in _top(bm25, row.allowed, CANDIDATES)}
    dense = row.dense if setting.mode != "bm25" else {}
    sparse = sparse if setting.mode != "dense" else {}
    hits = retriever.rank(dense, sparse, setting.mode, K, weights=(setting.dense_weight, 1.0), fusion=setting.fusion)  # type: ignore[arg-type]
    ranked = [row.relevant.get(retriever.row_of(h.passage), [False] * len(row.question.evidence)) for h in hits]
    quotes = len(row.question.evidence)
    found = [next((rank for rank, marks in enumerate(ranked, 1) if marks[q]), None) for q in range(quotes)]
    first = next((rank for rank, marks in enumerate(ranked, 1) if any(marks)), None)
    return {
        "recall@5": sum(1 for r in found if r and r <= 5) / quotes,
        "recall@10": sum(1 for r in found if r) / quotes,
        "mrr@10": 1.0 / first if first else 0.0,
    }


def _objective(figures: dict[str, float]) -> float:
    return figures["mrr@10"] + figures["recall@5"]


def _mean(rows: list[RetrievalRow], setting: Setting, retriever: Retriever, cache: dict) -> dict[str, float]:
    scored = []
    for row in rows:
        key = (id(row), setting)
        if key not in cache:
            cache[key] = score(row, setting, retriever)
        scored.append(cache[key])
    return {name: mean(s[name] for s in scored) for name in scored[0]} if scored else {}


def grid(lever: str) -> list[Setting]:
    """The settings a lever chooses among."""
    if lever == "dense weight":
        return [Setting(dense_weight=w) for w in DENSE_WEIGHTS]
    if lever == "rrf":
        return [Setting(fusion="rrf", dense_weight=w) for w in DENSE_WEIGHTS]
    if lever == "feedback":
        return [Setting(dense_weight=w, feedback=f) for w in DENSE_WEIGHTS for f in FEEDBACK_WEIGHTS]
    if lever == "title":
        return [Setting(dense_weight=w, title=t) for w in DENSE_WEIGHTS for t in TITLE_WEIGHTS]
    if lever == "feedback + title":
        return [Setting(dense_weight=w, feedback=f, title=t) for w in DENSE_WEIGHTS for f in FEEDBACK_WEIGHTS for t in TITLE_WEIGHTS]
    if lever == "bm25 feedback + title":
        return [Setting(mode="bm25", feedback=f, title=t) for f in FEEDBACK_WEIGHTS for t in TITLE_WEIGHTS]
    raise ValueError(lever)


FIXED = {"bm25 only": Setting(mode="bm25"), "dense only": Setting(mode="dense"), "hybrid 1:1": Setting()}


def fixed_settings(retriever: Retriever) -> dict[str, Setting]:
    """The single modes, the even 1:1 fusion, and the fusion the settings ship with."""
    shipped = Setting(fusion=retriever.settings.fusion, dense_weight=retriever.settings.dense_weight)
    return FIXED | {"hybrid as shipped": shipped}


LEVERS = ("dense weight", "rrf", "feedback", "title", "feedback + title", "bm25 feedback + title")


def cross_validate(rows: list[RetrievalRow], retriever: Retriever) -> dict[str, dict]:
    """Pooled LOIO figures: the fixed settings as they are, and each lever with its setting chosen
    inside the folds; with the settings each fold chose, and per question set."""
    folds = sorted({row.fold for row in rows})
    cache: dict = {}
    report: dict[str, dict] = {}

    def pooled(chosen_rows: dict[str, list[tuple[RetrievalRow, Setting]]]) -> dict:
        pairs = [pair for fold in folds for pair in chosen_rows[fold]]
        figures = [score(row, setting, retriever) if (id(row), setting) not in cache else cache[(id(row), setting)] for row, setting in pairs]
        by_set: dict[str, list[dict]] = {}
        for (row, _s), f in zip(pairs, figures):
            by_set.setdefault(row.set_name, []).append(f)
        summary = {name: round(mean(f[name] for f in figures), 4) for name in figures[0]}
        summary["by_set"] = {k: {n: round(mean(f[n] for f in v), 4) for n in v[0]} for k, v in sorted(by_set.items())}
        summary["questions"] = len(figures)
        return summary

    for name, setting in fixed_settings(retriever).items():
        report[name] = pooled({fold: [(r, setting) for r in rows if r.fold == fold] for fold in folds})
    for lever in LEVERS:
        options = grid(lever)
        chosen: dict[str, list[tuple[RetrievalRow, Setting]]] = {}
        picks = {}
        for fold in folds:
            training = [r for r in rows if fold not in r.excluded]
            best = max(options, key=lambda s: (_objective(_mean(training, s, retriever, cache)), -abs(s.dense_weight - 1)))
            picks[fold] = best.describe()
            chosen[fold] = [(r, best) for r in rows if r.fold == fold]
        report[f"{lever} (chosen in CV)"] = pooled(chosen) | {"chosen": picks}
        whole = max(options, key=lambda s: (_objective(_mean(rows, s, retriever, cache)), -abs(s.dense_weight - 1)))
        report[f"{lever} (chosen in CV)"]["on all questions"] = whole.describe()
    return report
