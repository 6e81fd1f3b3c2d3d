"""Answer metrics: gold answer contained, token F1, citation precision and recall, abstention.

A citation is correct when its passage holds one of the question's evidence quotes or a
gold answer; unanswerable questions count only for abstention. Token F1 is the short
answer's (the whole answer's, for results written before short answers existed).
"""

from __future__ import annotations

import re
from collections import Counter

from eval.matching import contains_evidence
from eval.metrics import percentile


def normalise(text: str) -> str:
    text = re.sub(r"\[\d+\]", " ", text.lower())
    return " ".join(re.findall(r"[a-z0-9]+", text))


def contains_gold(answer: str, golds: list[str]) -> bool:
    padded = f" {normalise(answer)} "
    return any(f" {normalise(g)} " in padded for g in golds if normalise(g))


def token_f1(answer: str, golds: list[str]) -> float:
    predicted = normalise(answer).split()
    best = 0.0
    for gold in golds:
        wanted = normalise(gold).split()
        common = sum((Counter(predicted) & Counter(wanted)).values())
        if common:
            precision, recall = common / len(predicted), common / len(wanted)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def supports(question, passage: str) -> bool:
    """A cited passage is correct when it holds one of the question's evidence quotes or a gold answer."""
    return any(contains_evidence(q, passage) for q in question.evidence) or contains_gold(passage, question.answers)


def citation_scores(question, record: dict, passage_text: dict[str, str]) -> tuple[float | None, float | None]:
    """(precision, recall) of the cited passages against the evidence; None without citations."""
    cited = [passage_text.get(c["passage_id"], "") for c in record["citations"]]
    if not cited:
        return None, None
    good = [text for text in cited if supports(question, text)]
    found = [q for q in question.evidence if any(contains_evidence(q, text) for text in cited)]
    return len(good) / len(cited), len(found) / len(question.evidence) if question.evidence else None


def _total_ms(timings: dict) -> float:
    """Question to final answer; older result files lack "total" and sum their parts."""
    if timings.get("total") is not None:
        return timings["total"]
    return timings["retrieve"] + (timings.get("rank") or 0.0) + (timings.get("generate") or 0.0)


def answer_summary(questions, results: list[dict], passage_text: dict[str, str]) -> dict:
    by_id = {r["id"]: r for r in results}
    answerable, unanswerable = [], []
    for question in questions:
        record = by_id.get(question.id)
        if record is None or record.get("answer") is None:
            continue
        (answerable if question.answerable else unanswerable).append((question, record))
    if not answerable and not unanswerable:
        return {}
    precisions, recalls, contained, f1s = [], [], [], []
    for question, record in answerable:
        answer = "" if record["abstained"] else record["answer"]
        short = "" if record["abstained"] else record.get("short_answer") or answer  # older runs have no short answer
        contained.append(contains_gold(answer, question.answers))
        f1s.append(token_f1(short, question.answers))
        precision, recall = citation_scores(question, record, passage_text)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
    mean = lambda values: round(sum(values) / len(values), 4) if values else None  # noqa: E731
    first_tokens = [r["timings_ms"]["first_token"] for _, r in answerable + unanswerable if r["timings_ms"]["first_token"] is not None]
    generation = [r["timings_ms"]["generate"] for _, r in answerable + unanswerable if r["timings_ms"]["generate"] is not None]
    generated = [r for _, r in answerable + unanswerable if r["timings_ms"]["generate"] is not None]  # the model was asked
    totals = [_total_ms(r["timings_ms"]) for _, r in answerable + unanswerable]
    by_type: dict[str, list[float]] = {}
    for (question, _record), hit in zip(answerable, contained):
        by_type.setdefault(question.type, []).append(float(hit))
    return {
        "answer_contains_gold": mean([float(c) for c in contained]),
        "token_f1": mean(f1s),
        "citation_precision": mean(precisions),
        "citation_recall": mean(recalls),
        "abstention_on_unanswerable": mean([float(r["abstained"]) for _, r in unanswerable]),
        "false_abstention": mean([float(r["abstained"]) for _, r in answerable]),
        "first_token_ms_p50": percentile(first_tokens, 50),
        "first_token_ms_p95": percentile(first_tokens, 95),
        "generate_ms_p50": percentile(generation, 50),
        "generate_ms_p95": percentile(generation, 95),
        "total_ms_p50": percentile(totals, 50),
        "total_ms_p95": percentile(totals, 95),
        "model_asked": len(generated),
        "model_reply_kept": sum(r.get("source") == "model" for r in generated),
        "model_first_token_ms_p50": percentile([r["timings_ms"]["first_token"] for r in generated if r["timings_ms"]["first_token"] is not None], 50),
        "model_total_ms_p50": percentile([_total_ms(r["timings_ms"]) for r in generated], 50),
        "contains_gold_by_type": {kind: mean(values) for kind, values in sorted(by_type.items())},
        "answered": len(answerable) + len(unanswerable),
    }
