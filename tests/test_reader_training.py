"""Training the reader: labels come from the question files, and every question is scored by models
that never saw its issue."""

from types import SimpleNamespace

import numpy as np
import pytest

from eval.questions import DEFAULT_QUESTIONS, Question, load_questions
from eval.reader_training import collect, cross_validate, fit_adapters, folds_of, sentence_labels, span_labels, with_adapter
from rag.answer.features import ANSWER_FEATURES, SENTENCE_FEATURES
from rag.answer.reader import Reader
from rag.answer.scorer import ReaderModel

ISSUES = [
    "CTI News Vol. 17",
    "ROCB A/P E-Newsletter No. 62",
    "ROCB A/P E-Newsletter No. 76",
    "ROCB A/P E-Newsletter No. 79",
    "ROCB A/P E-Newsletter No. 83",
]
EVIDENCE = (
    "The 21st Meeting of the Heads of Asia/Pacific WCO Regional Training Centres (RTCs) was held "
    "from 14th -16th November 2023, at RTC Japan in Kashiwa, Japan."
)
WHERE = Question(
    id="t-where",
    question="Where was the 21st RTC Heads meeting held?",
    answers=["Kashiwa, Japan", "Kashiwa"],
    evidence=[EVIDENCE],
    issue="ROCB A/P E-Newsletter No. 83",
    type="place",
)


def sentences(*texts: str) -> list:
    return [SimpleNamespace(text=text) for text in texts]


# Sentence labels


def test_the_evidence_sentence_holding_the_answer_is_the_positive():
    candidates = sentences(
        EVIDENCE,
        "Kashiwa also hosted a canine handlers course for officers from six administrations.",  # the gold, not the evidence
        "Participants shared updates on e-learning and the regional training plan.",
    )
    assert sentence_labels(WHERE, candidates).tolist() == [1, -1, 0]


def test_a_sentence_cut_slightly_differently_from_the_quote_still_overlaps_it():
    recut = "The 21st Meeting of the Heads of Asia/Pacific WCO Regional Training Centres was held at RTC Japan in Kashiwa, Japan."
    assert sentence_labels(WHERE, sentences(recut)).tolist() == [1]


def test_where_no_overlapping_sentence_holds_the_answer_the_overlapping_one_is_positive():
    question = WHERE.model_copy(update={"answers": ["RTC Japan campus"]})  # a gold worded unlike the text
    candidates = sentences(EVIDENCE, "The RTC Japan campus has a new library for trainees.")
    assert sentence_labels(question, candidates).tolist() == [1, -1]


def test_an_unanswerable_question_has_no_positive_sentence():
    question = Question(id="t-moon", question="What is the price of a ticket to the moon?", type="unanswerable")
    assert sentence_labels(question, sentences(EVIDENCE, "Kashiwa is in Japan.")).tolist() == [0, 0]


# Span labels


def test_a_span_is_the_short_answer_when_its_token_f1_with_the_gold_reaches_one_half():
    spans = sentences(
        "Kashiwa, Japan",  # exact
        "in Kashiwa, Japan",  # F1 0.8
        "Japan",  # against "Kashiwa, Japan": F1 2/3
        "the 21st meeting held at RTC Japan",  # shares one word: F1 below 0.5
        "14th -16th November 2023",
    )
    question = WHERE.model_copy(update={"answers": ["Kashiwa, Japan"]})
    assert span_labels(question, spans).tolist() == [1, 1, 1, 0, 0]


# Folds


def test_a_question_is_scored_in_the_fold_of_its_issue():
    assert folds_of(WHERE, ISSUES) == ("ROCB A/P E-Newsletter No. 83", frozenset({"ROCB A/P E-Newsletter No. 83"}))


def test_a_two_issue_question_is_scored_with_its_first_issue_and_kept_out_of_both_trainings():
    question = Question(
        id="t-two",
        question="Which issues reported on the canine programme?",
        answers=["No. 79", "No. 83"],
        evidence=["canine"],
        issue="ROCB A/P E-Newsletter No. 79; ROCB A/P E-Newsletter No. 83",
        type="multi_issue",
    )
    fold, excluded = folds_of(question, ISSUES)
    assert fold == "ROCB A/P E-Newsletter No. 79"
    assert excluded == {"ROCB A/P E-Newsletter No. 79", "ROCB A/P E-Newsletter No. 83"}


def test_an_unanswerable_question_naming_no_issue_gets_a_stable_fold_among_the_issues():
    question = Question(id="t-moon", question="What is the price of a ticket to the moon?", type="unanswerable")
    fold, excluded = folds_of(question, ISSUES)
    assert fold in ISSUES and excluded == {fold}
    same_id = question.model_copy(update={"question": "Reworded, same question?"})
    assert folds_of(same_id, ISSUES) == (fold, excluded)
    assert folds_of(question, list(reversed(ISSUES))) == (fold, excluded)  # not the catalogue's order


def test_unanswerable_questions_are_spread_over_the_folds():
    folds = {folds_of(Question(id=f"u{n:03d}", question="?", type="unanswerable"), ISSUES)[0] for n in range(30)}
    assert len(folds) > 1


# Cross-validation on a real subset


@pytest.fixture(scope="module")
def subset():
    return load_questions(DEFAULT_QUESTIONS)[:40] + load_questions(DEFAULT_QUESTIONS.with_name("heldout.jsonl"))[:10]


@pytest.mark.slow
def test_cross_validation_scores_each_question_once_in_the_fold_of_its_issue(retriever, subset):
    reader = Reader.over(retriever, ReaderModel.untrained())
    examples = collect(subset, retriever, reader, k=retriever.settings.answer_passages, progress=False)
    assert len(examples) == len(subset)
    for example in examples:
        assert len(example.labels) == len(example.candidates) == len(example.rows)

    rows = cross_validate(examples, reader, progress=False)
    assert sorted(row["id"] for row in rows) == sorted(q.id for q in subset)
    issues = [info.label for info in retriever.catalogue]
    by_id = {q.id: q for q in subset}
    for row in rows:
        question = by_id[row["id"]]
        assert row["fold"] == folds_of(question, issues)[0]
        assert 0.0 <= row["confidence"] <= 1.0
        assert 0.0 <= row["threshold"] <= 1.0
        if row["abstained"]:
            assert row["short_answer"] is None and row["answer"] is None and not row["gold"]
        else:
            assert row["short_answer"] and row["short_answer"] in row["answer"]


@pytest.mark.slow
def test_an_ablation_shares_each_training_sets_adapters_and_they_are_what_a_fresh_fit_gives(retriever, subset):
    """The ablation's runs reuse the adapters of a training set instead of refitting them: that is
    only right if a fit is deterministic, and only for the very same examples."""
    reader = Reader.over(retriever, ReaderModel.untrained())
    examples = collect(subset, retriever, reader, k=retriever.settings.answer_passages, progress=False)
    cache: dict = {}
    shared = fit_adapters(examples, reader, cache)
    assert fit_adapters(list(examples), reader, cache) is shared
    fresh = fit_adapters(examples, reader)
    for cached, refitted in zip(shared, fresh):
        assert cached.matrix is not None and np.array_equal(cached.matrix, refitted.matrix)
    assert fit_adapters(examples[:-5], reader, cache) is not shared
    assert len(cache) == 2


# The abstention threshold


def _table_example(number: int, answerable: bool, fold: str):
    question = SimpleNamespace(answerable=answerable, id=f"q{number}")
    return SimpleNamespace(question=question, fold=fold, excluded_from=frozenset([fold]))


@pytest.mark.slow
def test_the_rows_training_learns_from_are_the_rows_a_question_is_answered_with(retriever, subset):
    """Training describes each question once with no adapter and refills the adapted columns per
    fold; at question time the reader describes it with the shipped adapters. Both must agree."""
    shipped = ReaderModel.load()
    untrained = Reader.over(retriever, ReaderModel.untrained())
    answering = Reader.over(retriever, shipped)
    examples = with_adapter(collect(subset[:8], retriever, untrained, k=retriever.settings.answer_passages, progress=False), shipped.adapter, shipped.span_adapter)
    for example in examples:
        hits = retriever.search(example.asked.searched, k=retriever.settings.answer_passages, filters=example.asked.filters).hits
        _candidates, rows = answering.sentence_table(example.asked, hits, example.question_vector)
        assert np.allclose(rows, example.rows, atol=1e-5)
        for name in ("cosine", "adapted_cosine", "coverage"):  # each gap column is its own feature's gap
            column = rows[:, SENTENCE_FEATURES.index(name)]
            assert np.allclose(rows[:, SENTENCE_FEATURES.index(f"{name}_gap")], column - column.max(), atol=1e-5)
        best = int(np.argmax(rows[:, 0]))
        _spans, table = answering.span_table(example.asked, example.candidates[best], example.question_vector)
        _spans, refilled = untrained.span_table(example.asked, example.candidates[best], example.question_vector, example.span_adapter)
        assert np.allclose(table, refilled, atol=1e-5)


def test_the_threshold_refuses_at_most_the_allowed_share_of_answerable_questions_out_of_fold():
    from eval.reader_training import FALSE_ABSTENTION, AnswerExample, _fit_answer_model, _threshold

    generator = np.random.default_rng(7)
    table = []
    for number in range(200):
        right = number % 3 != 0  # the rest: unanswerable, or answered wrongly
        row = generator.normal(1.0 if right else -1.0, 1.0, size=len(ANSWER_FEATURES))
        table.append(AnswerExample(_table_example(number, right or number % 2 == 0, ISSUES[number % len(ISSUES)]), row, right))
    table.append(AnswerExample(_table_example(999, True, ISSUES[0]), None, False))  # retrieval found nothing: refused, and counted
    threshold = _threshold(table)
    refused = []
    for fold in ISSUES:
        model = _fit_answer_model([a for a in table if fold not in a.example.excluded_from])
        for a in table:
            if a.example.fold == fold and a.example.question.answerable:
                if a.row is None or float(model.probability(a.row[None, :])[0]) < threshold:
                    refused.append(a)
    answerable = sum(a.example.question.answerable for a in table)
    assert 0 < len(refused) <= FALSE_ABSTENTION * answerable + 1
    assert all(not a.right for a in refused)  # the allowance goes on answers that would have been wrong


def test_an_answer_model_fitted_on_one_kind_of_question_knows_only_the_base_rate():
    from eval.reader_training import AnswerExample, _fit_answer_model

    rows = np.random.default_rng(3).normal(size=(5, len(ANSWER_FEATURES)))
    table = [AnswerExample(_table_example(n, True, ISSUES[0]), row, True) for n, row in enumerate(rows)]
    probabilities = _fit_answer_model(table).probability(rows)
    assert np.allclose(probabilities, probabilities[0]) and probabilities[0] > 0.9


def test_every_ablated_feature_is_one_the_models_read():
    """A misspelt name would leave its group in the models and report an ablation that dropped nothing."""
    from eval.reader_training import FEATURE_GROUPS
    from rag.answer.features import ANSWER_FEATURES, SENTENCE_FEATURES, SPAN_FEATURES

    known = set(SENTENCE_FEATURES) | set(SPAN_FEATURES) | set(ANSWER_FEATURES)
    for name, group in FEATURE_GROUPS.items():
        assert group and set(group) <= known, (name, set(group) - known)
