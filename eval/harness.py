"""Orchestrate an evaluation run: one or all retrieval modes, summaries, reports, the gate."""

from __future__ import annotations

import json
from pathlib import Path

from eval.questions import Question
from eval.report import write_reports
from eval.runner import SUMMARY, per_question, read_results, run_retrieval, summarise
from rag.answer.assistant import Assistant
from rag.retrieve.retriever import Retriever

MODES = ("hybrid", "dense", "bm25")
BASELINE = Path(__file__).resolve().parent / "baseline.json"
WORST_MISSES = 10


def evaluate(
    questions: list[Question],
    retriever: Retriever,
    out_dir: Path,
    *,
    modes: list[str],
    k: int = 10,
    progress: bool = True,
    assistant: Assistant | None = None,
) -> dict[str, dict]:
    """Run each mode (into its own subfolder when several) and write summary.json and reports."""
    summaries: dict[str, dict] = {}
    latencies: dict[str, list[float]] = {}
    misses: list[dict] = []
    for mode in modes:
        folder = out_dir / mode if len(modes) > 1 else out_dir
        results = read_results(run_retrieval(questions, retriever, folder, mode=mode, k=k, progress=progress, assistant=assistant))
        summaries[mode] = summarise(questions, results, {p.id: p.text for p in retriever.passages})
        latencies[mode] = [r["timings_ms"]["retrieve"] for r in results]
        if len(modes) > 1:
            (folder / SUMMARY).write_text(json.dumps({mode: summaries[mode]}, indent=2), encoding="utf-8")
        rows = sorted(per_question(questions, results), key=lambda row: (row["metrics"]["mrr@10"], row["metrics"]["recall@10"]))
        misses += [
            {"id": row["question"].id, "mode": mode, "question": row["question"].question, "evidence": row["question"].evidence[0], "retrieved": row["record"]["retrieved"]}
            for row in rows[:WORST_MISSES]
            if row["metrics"]["recall@5"] < 1.0
        ]
    (out_dir / SUMMARY).write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    write_reports(out_dir, summaries, latencies, misses)
    return summaries


def check_against_baseline(summaries: dict[str, dict], baseline_path: Path = BASELINE) -> list[str]:
    """Every metric that fell below its accepted figure by more than the tolerance."""
    baseline = json.loads(baseline_path.read_text(encoding="utf-8"))  # {"tolerance", "modes": {mode: {metric: floor}}}
    tolerance = float(baseline["tolerance"])
    failures: list[str] = []
    for mode, accepted in baseline["modes"].items():
        if mode not in summaries:
            continue
        for metric, floor in accepted.items():
            value = summaries[mode]["retrieval"].get(metric)
            if value is None or value < floor - tolerance:
                failures.append(f"{mode} {metric}: {value} < baseline {floor} - tolerance {tolerance}")
    return failures


LOWER_IS_BETTER = {"false_abstention"}


def check_reader_against_baseline(pooled: dict, baseline_path: Path = BASELINE) -> list[str]:
    """Every pooled cross-validation figure of the reader worse than its accepted one by more than the tolerance."""
    baseline = json.loads(baseline_path.read_text(encoding="utf-8"))
    tolerance = float(baseline["tolerance"])
    failures = []
    for metric, accepted in baseline.get("reader_cv", {}).items():
        value = pooled.get(metric)
        worse = value is None or (value > accepted + tolerance if metric in LOWER_IS_BETTER else value < accepted - tolerance)
        if worse:
            failures.append(f"reader cv {metric}: {value} against baseline {accepted} (tolerance {tolerance})")
    return failures


def compare(dir_a: Path, dir_b: Path) -> list[tuple[str, str, float | None, float | None]]:
    """(mode, metric, A, B) for every metric either run has."""
    a = json.loads((dir_a / SUMMARY).read_text(encoding="utf-8"))
    b = json.loads((dir_b / SUMMARY).read_text(encoding="utf-8"))
    rows = []
    for mode in sorted(set(a) | set(b)):
        metrics = set(a.get(mode, {}).get("retrieval", {})) | set(b.get(mode, {}).get("retrieval", {}))
        for metric in sorted(metrics):
            rows.append((mode, metric, a.get(mode, {}).get("retrieval", {}).get(metric), b.get(mode, {}).get("retrieval", {}).get(metric)))
        for metric in ("retrieve_p50", "retrieve_p95"):
            rows.append((mode, metric, a.get(mode, {}).get("latency_ms", {}).get(metric), b.get(mode, {}).get("latency_ms", {}).get(metric)))
    return rows
