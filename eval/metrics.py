"""Retrieval metrics against evidence quotes: Recall@k, MRR@10, nDCG@10, word-budget recall.

For a question with several evidence quotes (multi-issue ones), recall is the share of
its quotes found; a passage is relevant when it contains any of them.
"""

from __future__ import annotations

import math
from statistics import mean

from eval.matching import contains_evidence, words

RECALL_KS = (1, 3, 5, 10)
WORD_BUDGETS = (300, 600)


def evidence_ranks(evidence: list[str], passages: list[str]) -> list[int | None]:
    """For each quote, the 1-based rank of the first passage containing it (None: not found)."""
    ranks: list[int | None] = []
    for quote in evidence:
        ranks.append(next((rank for rank, text in enumerate(passages, 1) if contains_evidence(quote, text)), None))
    return ranks


def within_budget(evidence: list[str], passages: list[str], budget: int) -> float:
    """Share of quotes readable inside the first `budget` words of the ranked passages."""
    found = 0
    for quote in evidence:
        used = 0
        for text in passages:
            passage_words = words(text)
            visible = " ".join(passage_words[: max(0, budget - used)])
            if visible and contains_evidence(quote, visible):
                found += 1
                break
            used += len(passage_words)
            if used >= budget:
                break
    return found / len(evidence) if evidence else 0.0


def question_metrics(evidence: list[str], passages: list[str]) -> dict[str, float]:
    ranks = evidence_ranks(evidence, passages)
    metrics = {f"recall@{k}": sum(1 for r in ranks if r and r <= k) / len(ranks) for k in RECALL_KS}
    relevant = [any(contains_evidence(q, text) for q in evidence) for text in passages[:10]]
    first = next((i for i, hit in enumerate(relevant, 1) if hit), None)
    metrics["mrr@10"] = 1.0 / first if first else 0.0
    dcg = sum(1.0 / math.log2(i + 1) for i, hit in enumerate(relevant, 1) if hit)
    ideal_hits = min(len(evidence), 10)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, ideal_hits + 1))
    metrics["ndcg@10"] = min(1.0, dcg / idcg) if idcg else 0.0
    for budget in WORD_BUDGETS:
        metrics[f"words@{budget}"] = within_budget(evidence, passages, budget)
    return metrics


def aggregate(per_question: list[dict[str, float]]) -> dict[str, float]:
    if not per_question:
        return {}
    return {name: round(mean(m[name] for m in per_question), 4) for name in per_question[0]}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return round(ordered[index], 2)
