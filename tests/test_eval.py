"""The evaluation harness: results schema, resuming, reports, comparison and the regression gate."""

import json

import pytest
from typer.testing import CliRunner

from eval.harness import check_against_baseline, evaluate
from eval.metrics import question_metrics, within_budget
from eval.questions import DEFAULT_QUESTIONS, load_questions
from eval.runner import PREVIOUS_RESULTS, RESULTS, read_results
from rag.cli import build_app

pytestmark = pytest.mark.slow


def test_metrics_on_a_known_ranking():
    quote = "the workshop was held in Suva Fiji with thirty officers"
    passages = ["nothing here", "nor here", "In 2025 the workshop was held in Suva, Fiji with thirty officers present."]
    m = question_metrics([quote], passages)
    assert (m["recall@1"], m["recall@3"], m["mrr@10"]) == (0.0, 1.0, pytest.approx(1 / 3))
    assert within_budget([quote], passages, 3) == 0.0 and within_budget([quote], passages, 600) == 1.0
    # A quote cut by a chunk boundary still counts when most of it is there, in order.
    assert question_metrics([quote], ["the workshop was held in Suva Fiji with"])["recall@1"] == 1.0


def test_the_reader_gate_fails_a_worse_cross_validation_and_passes_the_baseline_itself():
    from eval.harness import check_reader_against_baseline

    accepted = json.loads((DEFAULT_QUESTIONS.parent / "baseline.json").read_text())["reader_cv"]
    assert check_reader_against_baseline(dict(accepted)) == []
    worse = {name: value + 0.1 if name == "false_abstention" else value - 0.1 for name, value in accepted.items()}
    assert len(check_reader_against_baseline(worse)) == len(accepted)


def test_a_run_writes_the_agreed_schema_and_resumes(tmp_path, retriever):
    questions = load_questions(DEFAULT_QUESTIONS)[:6]
    out = tmp_path / "run"
    evaluate(questions[:3], retriever, out, modes=["hybrid"], progress=False)
    with (out / RESULTS).open("a", encoding="utf-8") as handle:
        handle.write('{"id": "q004", "question": "cut off by a cra')  # a kill mid-write
    evaluate(questions, retriever, out, modes=["hybrid"], progress=False)
    rows = read_results(out / RESULTS)
    assert [r["id"] for r in rows] == [q.id for q in questions]
    for row in rows:
        assert set(row) == {"id", "question", "retrieved", "answer", "short_answer", "confidence", "abstained", "citations", "source", "timings_ms"}
        assert len(row["retrieved"]) == 10 and set(row["retrieved"][0]) == {"passage_id", "text", "score", "doc", "title"}
        assert row["answer"] is None and row["abstained"] is None and row["source"] is None and row["short_answer"] is None
        assert set(row["timings_ms"]) == {"retrieve", "rank", "generate", "first_token", "total"} and row["timings_ms"]["retrieve"] > 0
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == {"hybrid"} and 0 <= summary["hybrid"]["retrieval"]["recall@5"] <= 1
    report = (out / "report.md").read_text()
    assert "Recall@k" in report and (out / "recall_at_k.png").stat().st_size > 1000
    assert "<img src=\"data:image/png;base64," in (out / "report.html").read_text()


def test_results_of_another_run_are_set_aside_not_resumed(tmp_path, retriever):
    questions = load_questions(DEFAULT_QUESTIONS)[:3]
    out = tmp_path / "run"
    evaluate(questions[:2], retriever, out, modes=["bm25"], progress=False)
    evaluate(questions, retriever, out, modes=["dense"], progress=False)  # another mode: nothing of the bm25 run is kept
    rows = read_results(out / RESULTS)
    assert [r["id"] for r in rows] == [q.id for q in questions]
    assert [r["id"] for r in read_results(out / PREVIOUS_RESULTS)] == [q.id for q in questions[:2]]


def test_no_retrieval_regression_against_the_baseline(tmp_path, retriever):
    summaries = evaluate(load_questions(DEFAULT_QUESTIONS), retriever, tmp_path / "gate", modes=["hybrid", "dense", "bm25"], progress=False)
    assert check_against_baseline(summaries) == []
    hybrid, dense, bm25 = (summaries[m]["retrieval"] for m in ("hybrid", "dense", "bm25"))
    assert hybrid["recall@5"] >= max(dense["recall@5"], bm25["recall@5"])


def test_a_worse_run_fails_the_gate():
    baseline = json.loads((DEFAULT_QUESTIONS.parent / "baseline.json").read_text())
    worse = {mode: {"retrieval": {m: v - 0.1 for m, v in metrics.items()}} for mode, metrics in baseline["modes"].items()}
    assert len(check_against_baseline(worse)) == sum(len(m) for m in baseline["modes"].values())


def test_compare_prints_deltas(tmp_path, retriever):
    questions = load_questions(DEFAULT_QUESTIONS)[:4]
    evaluate(questions, retriever, tmp_path / "a", modes=["bm25"], progress=False)
    evaluate(questions, retriever, tmp_path / "b", modes=["bm25"], progress=False)
    result = CliRunner().invoke(build_app(), ["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "recall@5" in result.stdout and "+0.0000" in result.stdout


def test_a_run_with_answers_fills_the_answer_fields_and_metrics(tmp_path, retriever):
    from rag.answer.assistant import Assistant
    from rag.generate.generator import LlamaCppGenerator

    questions = [q for q in load_questions(DEFAULT_QUESTIONS) if q.type in ("place", "unanswerable")][:2]
    questions += [q for q in load_questions(DEFAULT_QUESTIONS) if q.type == "unanswerable"][:2]
    assistant = Assistant(retriever, LlamaCppGenerator("gemma3-270m"))
    summaries = evaluate(questions, retriever, tmp_path / "run", modes=["hybrid"], progress=False, assistant=assistant)
    rows = read_results(tmp_path / "run" / RESULTS)
    for row in rows:
        assert isinstance(row["answer"], str) and isinstance(row["abstained"], bool) and 0 <= row["confidence"] <= 1
        assert all(set(c) == {"passage_id", "quote"} for c in row["citations"])
        assert row["abstained"] or row["citations"]
        assert (row["short_answer"] is None) == row["abstained"]  # a short answer exactly when it answers
    answers = summaries["hybrid"]["answers"]
    for name in ("answer_contains_gold", "token_f1", "abstention_on_unanswerable", "false_abstention", "first_token_ms_p50", "total_ms_p95"):
        assert name in answers
    assert 0 <= answers["abstention_on_unanswerable"] <= 1 and answers["answered"] == len(questions)
    assert "## Answers" in (tmp_path / "run" / "report.md").read_text()
