"""Run the question set through the retriever and write results that survive a crash.

Each answered question is appended to results.jsonl and flushed at once; rerunning into
the same folder skips the ids already there, so a run killed halfway loses nothing. Only
the same run resumes: run.json records the index build, mode, k and model, and results of
another run (the index rebuilt, another model) are moved to results.previous.jsonl
rather than mixed with the new ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from eval.metrics import aggregate, percentile, question_metrics
from eval.answer_metrics import answer_summary
from eval.questions import Question
from rag.answer.assistant import Assistant
from rag.retrieve.retriever import Retriever

RESULTS = "results.jsonl"
PREVIOUS_RESULTS = "results.previous.jsonl"
RUN = "run.json"
SUMMARY = "summary.json"
RETRIEVED_PER_QUESTION = 10


def _done_ids(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    done: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            done.add(json.loads(line)["id"])
        except (ValueError, KeyError):
            continue  # a line cut by a crash: that question is run again
    return done


def _repair_tail(path: Path) -> None:
    """Drop a half-written last line left by a kill, so appending stays valid JSON Lines."""
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        good = []
        for line in lines:
            try:
                json.loads(line)
                good.append(line)
            except ValueError:
                pass
        path.write_text("".join(line + "\n" for line in good), encoding="utf-8")


def run_retrieval(
    questions: list[Question],
    retriever: Retriever,
    out_dir: Path,
    *,
    mode: str,
    k: int = RETRIEVED_PER_QUESTION,
    progress: bool = True,
    assistant: Assistant | None = None,
) -> Path:
    """Retrieve (and answer, given an assistant) every question not yet in out_dir/results.jsonl."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / RESULTS
    _set_aside_another_run(out_dir, _run_identity(retriever, mode, k, assistant))
    _repair_tail(results)
    done = _done_ids(results)
    todo = [q for q in questions if q.id not in done]
    with results.open("a", encoding="utf-8") as handle:
        for question in tqdm(todo, desc=f"eval {mode}", unit="q", disable=not progress):
            found = retriever.search(question.question, k=max(k, RETRIEVED_PER_QUESTION), mode=mode)  # type: ignore[arg-type]
            answer = assistant.ask(question.question, mode=mode) if assistant else None
            record = {
                "id": question.id,
                "question": question.question,
                "retrieved": [
                    {"passage_id": h.passage.id, "text": h.passage.text, "score": round(h.score, 6), "doc": h.passage.issue, "title": h.passage.title}
                    for h in found.hits
                ],
                "answer": answer.text if answer else None,
                "short_answer": answer.short_answer if answer else None,
                "confidence": round(answer.confidence, 4) if answer else None,
                "abstained": answer.abstained if answer else None,
                "citations": [{"passage_id": c.passage.id, "quote": c.quote} for c in answer.citations] if answer else [],
                "source": answer.source if answer else None,
                "timings_ms": {
                    "retrieve": round(found.timings_ms.get("retrieve", 0.0), 3),
                    "rank": _ms(answer.timings_ms.get("read")) if answer else None,
                    "generate": _ms(answer.timings_ms.get("generate")) if answer else None,
                    "first_token": _ms(answer.timings_ms.get("first_token")) if answer else None,
                    "total": _ms(answer.timings_ms.get("total")) if answer else None,
                },
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
    return results


def _run_identity(retriever: Retriever, mode: str, k: int, assistant: Assistant | None) -> dict:
    """What makes two runs' results comparable: the index build, the mode, k and the answering model."""
    model = None
    if assistant is not None:
        writer = assistant.generator if assistant.settings.model_sentence else None
        model = str(getattr(writer, "path", type(writer).__name__)) if writer else "reader"
    return {"index_built_at": retriever.built_at, "mode": mode, "k": k, "answers_by": model}


def _set_aside_another_run(out_dir: Path, identity: dict) -> None:
    """Keep results.jsonl only when it holds this same run; else move it to results.previous.jsonl."""
    results, marker = out_dir / RESULTS, out_dir / RUN
    recorded = json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else None
    if results.is_file() and recorded != identity:
        results.replace(out_dir / PREVIOUS_RESULTS)
        tqdm.write(f"{results} held results of another run (index, mode, k or model); moved to {PREVIOUS_RESULTS}.")
    marker.write_text(json.dumps(identity, indent=2), encoding="utf-8")


def _ms(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def read_results(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def summarise(questions: Iterable[Question], results: list[dict], passage_text: dict[str, str] | None = None) -> dict:
    """Retrieval metrics overall and per question type, latency, and answer metrics when answered."""
    questions = list(questions)
    by_id = {r["id"]: r for r in results}
    overall: list[dict[str, float]] = []
    per_type: dict[str, list[dict[str, float]]] = {}
    for question in questions:
        record = by_id.get(question.id)
        if record is None or not question.answerable:
            continue
        metrics = question_metrics(question.evidence, [r["text"] for r in record["retrieved"]])
        overall.append(metrics)
        per_type.setdefault(question.type, []).append(metrics)
    latencies = [r["timings_ms"]["retrieve"] for r in results]
    answers = answer_summary(questions, results, passage_text or {})
    return {
        **({"answers": answers} if answers else {}),
        "questions": len(results),
        "answerable": len(overall),
        "retrieval": aggregate(overall),
        "by_type": {kind: aggregate(items) | {"n": len(items)} for kind, items in sorted(per_type.items())},
        "latency_ms": {"retrieve_p50": percentile(latencies, 50), "retrieve_p95": percentile(latencies, 95)},
    }


def per_question(questions: list[Question], results: list[dict]) -> list[dict]:
    """Each answerable question with its metrics and what was retrieved (for the misses list)."""
    by_id = {r["id"]: r for r in results}
    rows = []
    for question in questions:
        record = by_id.get(question.id)
        if record is None or not question.answerable:
            continue
        rows.append({"question": question, "record": record, "metrics": question_metrics(question.evidence, [r["text"] for r in record["retrieved"]])})
    return rows
