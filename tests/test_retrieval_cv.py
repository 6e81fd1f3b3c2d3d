"""Retrieval's cross-validation re-ranks exactly as the retriever searches, and chooses only on other issues."""

import pytest

from eval.metrics import question_metrics
from eval.questions import DEFAULT_QUESTIONS, load_questions
from eval.retrieval_cv import Setting, collect, cross_validate, score

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows(retriever):
    questions = [q for q in load_questions(DEFAULT_QUESTIONS) if q.answerable][:25]
    return collect([("questions", q) for q in questions], retriever, progress=False)


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_a_setting_scores_what_the_retriever_returns(rows, retriever, mode):
    for row in rows:
        hits = retriever.search(row.question.question, k=10, mode=mode).hits
        expected = question_metrics(row.question.evidence, [h.passage.text for h in hits])
        figures = score(row, Setting(mode=mode, dense_weight=retriever.settings.dense_weight), retriever)
        assert figures["recall@5"] == pytest.approx(expected["recall@5"]), row.question.id
        assert figures["mrr@10"] == pytest.approx(expected["mrr@10"]), row.question.id


def test_every_fold_chooses_its_setting_and_every_question_is_scored_once(rows, retriever):
    report = cross_validate(rows, retriever)
    folds = {row.fold for row in rows}
    for name in ("bm25 only", "dense only", "hybrid as shipped", "dense weight (chosen in CV)"):
        assert report[name]["questions"] == len(rows)
        assert all(0.0 <= report[name][figure] <= 1.0 for figure in ("recall@5", "recall@10", "mrr@10"))
    assert set(report["dense weight (chosen in CV)"]["chosen"]) == folds


def test_hybrid_as_shipped_is_the_retriever_s_own_default_search(rows, retriever):
    report = cross_validate(rows, retriever)
    searched = [question_metrics(r.question.evidence, [h.passage.text for h in retriever.search(r.question.question, k=10).hits]) for r in rows]
    for figure in ("recall@5", "mrr@10"):
        assert report["hybrid as shipped"][figure] == pytest.approx(sum(s[figure] for s in searched) / len(rows), abs=1e-4)
    assert "hybrid 1:1" in report
