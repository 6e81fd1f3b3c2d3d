"""Fit the reader's three models on the project's questions, and score them by leave-one-issue-out CV.

The question sets are training data. Every figure this module reports for the reader
comes from cross-validation by issue: the models (and the abstention threshold) are fitted
on the questions about four issues and scored on the questions about the fifth, five
times, and the five folds' answers are pooled. A question about two issues is scored in
the fold of its first and left out of training wherever either is scored; an unanswerable
question naming no issue is put in a fold by a hash of its id.

Labels come from the question files, never from a model: a sentence answers when it
overlaps a question's evidence quote and holds a gold answer (or overlaps the evidence
where no overlapping sentence holds one); a span answers when its token F1 with a gold
answer is at least SPAN_F1; an answer is right when it holds a gold string. The answer
model learns from questions read by sentence and span models fitted without their issue
(cross-fitting inside the training folds), so it sees them scored as unseen questions
are, and its threshold is set on confidences that are out of fold too.

    examples = collect(questions, retriever, reader)        # features, once
    pooled = cross_validate(examples)                       # figures, in-project but honest
    model = fit(examples)                                   # the file that ships
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from eval.adapter_training import Group, fit_adapter, fit_adapter_on
from eval.answer_metrics import contains_gold, supports, token_f1
from eval.matching import share_in_order
from eval.questions import Question
from rag.answer.candidates import SentenceCandidate
from rag.answer.compose import extracted
from rag.answer.adapter import QuestionAdapter
from rag.answer.features import ADAPTED, ADAPTED_WIDTH, ANSWER_FEATURES, SENTENCE_FEATURES, SPAN_FEATURES, adapted_columns
from rag.answer.question import Question as AskedQuestion
from rag.answer.reader import Reader, Reading
from rag.answer.scorer import LinearModel, ReaderModel
from rag.answer.spans import AnswerSpan
from rag.retrieve.retriever import Retriever

SPAN_F1 = 0.5  # a span this close to a gold answer is the short answer
EVIDENCE_SHARE = 0.6  # share of a quote's words (or of the sentence's) found in order that makes them overlap
REGULARISATION = 1.0  # scikit-learn's C
FALSE_ABSTENTION = 0.09  # the threshold refuses at most this share of the training folds' answerable questions (out of fold it ran up to 0.011 higher; the target is 0.10)


@dataclass
class Example:
    """One question with its candidates, feature rows and labels."""

    question: Question
    asked: AskedQuestion
    candidates: list[SentenceCandidate]
    rows: np.ndarray  # SENTENCE_FEATURES
    labels: np.ndarray  # 1 answers, 0 does not, -1 not used in training (holds the gold but not the evidence)
    fold: str
    excluded_from: frozenset[str]  # folds whose training must not see it
    spans: dict[int, tuple[list[AnswerSpan], np.ndarray]] = field(default_factory=dict)  # candidate index -> spans, rows
    question_vector: np.ndarray | None = None  # the embedded question, before any adapter
    span_adapter: QuestionAdapter | None = None  # the span adapter its span rows are read with (None: the reader's)


def sentence_labels(question: Question, candidates: Sequence[SentenceCandidate]) -> np.ndarray:
    if not question.answerable:
        return np.zeros(len(candidates), dtype=np.int8)
    overlaps = [
        any(share_in_order(q, c.text) >= EVIDENCE_SHARE or share_in_order(c.text, q) >= EVIDENCE_SHARE for q in question.evidence)
        for c in candidates
    ]
    golden = [contains_gold(c.text, question.answers) for c in candidates]
    with_gold = [o and g for o, g in zip(overlaps, golden)]
    positive = with_gold if any(with_gold) else overlaps
    return np.array([1 if p else (-1 if g else 0) for p, g in zip(positive, golden)], dtype=np.int8)


def span_labels(question: Question, spans: Sequence[AnswerSpan]) -> np.ndarray:
    return np.array([int(token_f1(s.text, question.answers) >= SPAN_F1) for s in spans], dtype=np.int8)


def folds_of(question: Question, issues: Sequence[str]) -> tuple[str, frozenset[str]]:
    """(the fold it is scored in, the folds it must stay out of the training of)."""
    named = [label for label in question.issues if label in issues]
    if named:
        return named[0], frozenset(named)
    digest = int(hashlib.sha1(question.id.encode("utf-8")).hexdigest(), 16)
    fold = sorted(issues)[digest % len(issues)]
    return fold, frozenset([fold])


def collect(questions: Sequence[Question], retriever: Retriever, reader: Reader, *, k: int, progress: bool = True) -> list[Example]:
    """Retrieve and describe every question's candidate sentences once."""
    from rag.answer.question import analyse

    issues = [info.label for info in retriever.catalogue]
    examples = []
    for question in tqdm(questions, desc="features", unit="q", disable=not progress):
        asked = analyse(question.question, catalogue=retriever.catalogue, spacy_model=reader.spacy_model)
        hits = retriever.search(asked.searched, k=k, filters=asked.filters).hits
        vector = retriever.embedder.embed_query(asked.searched)
        candidates, rows = reader.sentence_table(asked, hits, vector)
        fold, excluded = folds_of(question, issues)
        examples.append(Example(question, asked, candidates, rows, sentence_labels(question, candidates), fold, excluded, question_vector=vector))
    return examples


def with_adapter(examples: Sequence[Example], adapter: QuestionAdapter, span_adapter: QuestionAdapter) -> list[Example]:
    """The examples with their adapted-cosine columns refilled for `adapter`, and their span rows to
    be read with `span_adapter` (the parses and span vectors stay in the reader's caches)."""
    refilled = []
    for example in examples:
        rows = example.rows.copy()
        if example.question_vector is not None and len(example.candidates):
            rows[:, ADAPTED : ADAPTED + ADAPTED_WIDTH] = adapted_columns(example.candidates, adapter.adapt(example.question_vector))
        refilled.append(dataclasses.replace(example, rows=rows, span_adapter=span_adapter, spans={}))
    return refilled


def span_groups(examples: Sequence[Example], reader: Reader) -> list[Group]:
    """The spans of each answering sentence, with which are the short answer: what the span adapter learns from."""
    groups = []
    for example in examples:
        if example.question_vector is None or not example.question.answerable:
            continue
        for index in np.flatnonzero(example.labels == 1):
            spans, _rows = _spans(example, int(index), reader)
            vectors = reader.span_vectors(example.candidates[int(index)], spans)
            if vectors is not None:
                groups.append((example.question_vector, vectors, span_labels(example.question, spans) == 1))
    return groups


# (ids of the training examples) -> (those examples, their sentence and span adapters)
AdapterCache = dict[tuple[int, ...], tuple[list[Example], tuple[QuestionAdapter, QuestionAdapter]]]


def fit_adapters(examples: Sequence[Example], reader: Reader, cache: AdapterCache | None = None) -> tuple[QuestionAdapter, QuestionAdapter]:
    """The sentence and span adapters fitted on `examples`, or the ones `cache` holds for these very
    examples. They read no feature column and a fit (full-batch Adam from zero) is deterministic, so
    each set of questions need be fitted once: one CV meets the questions outside issues A and B
    in A's outer fold and again in B's, and an ablation's runs meet every set again (a CV 6 min 15 s
    → 4 min 15 s, the same rows)."""
    key = tuple(id(e) for e in examples)  # the cache holds the examples, so no other object can take their ids
    if cache is not None and key in cache:
        return cache[key][1]
    adapters = fit_adapter(examples), fit_adapter_on(span_groups(examples, reader))
    if cache is not None:
        cache[key] = (list(examples), adapters)
    return adapters


def adapted_out_of_fold(examples: Sequence[Example], reader: Reader, cache: AdapterCache | None = None) -> list[Example]:
    """Each example's adapted cosines from adapters fitted without its issue, so the models fitted
    on them weigh the adapted cosines as they score on unseen questions (fitted in-fold, the sentence
    adapter overfits and is trusted too much: top-1 sentence 0.610 against 0.690 cross-fitted, 1,028 questions)."""
    folds = sorted({e.fold for e in examples})
    if len(folds) < 2:
        return with_adapter(examples, *fit_adapters(examples, reader, cache))
    refilled = []
    for fold in folds:
        adapters = fit_adapters([e for e in examples if fold not in e.excluded_from], reader, cache)
        refilled += with_adapter([e for e in examples if e.fold == fold], *adapters)
    return refilled


def _spans(example: Example, index: int, reader: Reader) -> tuple[list[AnswerSpan], np.ndarray]:
    if index not in example.spans:
        example.spans[index] = reader.span_table(example.asked, example.candidates[index], example.question_vector, example.span_adapter)
    return example.spans[index]


def _fit_linear(rows: np.ndarray, labels: np.ndarray, features: tuple[str, ...]) -> LinearModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(rows)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    fitted = LogisticRegression(C=REGULARISATION, max_iter=2000).fit((rows - scaler.mean_) / scale, labels)
    return LinearModel(features, scaler.mean_, scale, fitted.coef_[0], float(fitted.intercept_[0]))


def fit_sentence_model(examples: Sequence[Example], columns: Sequence[int] | None = None) -> LinearModel:
    rows = np.concatenate([e.rows for e in examples])
    labels = np.concatenate([e.labels for e in examples])
    used = labels >= 0
    return _fit_with_columns(rows[used], labels[used], SENTENCE_FEATURES, columns)


def fit_span_model(examples: Sequence[Example], reader: Reader, columns: Sequence[int] | None = None) -> LinearModel:
    rows, labels = [], []
    for example in examples:
        for index in np.flatnonzero(example.labels == 1):
            spans, table = _spans(example, int(index), reader)
            rows.append(table)
            labels.append(span_labels(example.question, spans))
    return _fit_with_columns(np.concatenate(rows), np.concatenate(labels), SPAN_FEATURES, columns)


def _fit_with_columns(rows: np.ndarray, labels: np.ndarray, features: tuple[str, ...], columns: Sequence[int] | None) -> LinearModel:
    """A model on all features, or (for an ablation) on `columns` alone with the rest weighed zero."""
    if columns is None:
        return _fit_linear(rows, labels, features)
    part = _fit_linear(rows[:, list(columns)], labels, tuple(features[c] for c in columns))
    mean, scale, weights = np.zeros(len(features)), np.ones(len(features)), np.zeros(len(features))
    mean[list(columns)], scale[list(columns)], weights[list(columns)] = part.mean, part.scale, part.weights
    return LinearModel(features, mean, scale, weights, part.intercept)


def outcome(example: Example, reading: Reading) -> dict:
    """One question's result, in the terms the answer metrics use."""
    question = example.question
    row = {
        "id": question.id,
        "answerable": question.answerable,
        "style": question.style,
        "type": question.type,
        "confidence": round(reading.confidence, 4),
        "abstained": not reading.answered,
        "answer": None,
        "short_answer": None,
        "gold": False,
        "f1": 0.0,
        "precision": None,
    }
    if reading.answered:
        composed = extracted(reading)
        cited = [c.passage.text for c in composed.citations]
        row.update(
            answer=composed.text,
            short_answer=composed.short_answer,
            gold=contains_gold(composed.text, question.answers),
            f1=token_f1(composed.short_answer, question.answers),
            precision=sum(supports(question, text) for text in cited) / len(cited) if question.answerable else None,
        )
    return row


COMPANION_RATIOS = (1.01, 0.8, 0.6, 0.4, 0.2)
COMPANION_PENALTIES = (0.0, 1.0, 2.0, 4.0, 100.0)


@dataclass(frozen=True)
class Decisions:
    """What is fitted on top of the sentence and span models: the answer model and the settings around it."""

    answer: LinearModel
    threshold: float
    companion_ratio: float
    companion_penalty: float


def _cross_fitted(examples: Sequence[Example], reader: Reader, columns, span_columns) -> list[tuple[Example, LinearModel, LinearModel]]:
    """Each example with sentence and span models fitted on the other issues of `examples`: what the
    answer model learns from must score as unseen questions do, not as the questions the models fitted."""
    paired = []
    for fold in sorted({e.fold for e in examples}):
        training = [e for e in examples if fold not in e.excluded_from]
        sentence, span = fit_sentence_model(training, columns), fit_span_model(training, reader, span_columns)
        paired.extend((e, sentence, span) for e in examples if e.fold == fold)
    return paired


@dataclass(frozen=True)
class AnswerExample:
    """One question as the answer model learns from it."""

    example: Example
    row: np.ndarray | None  # ANSWER_FEATURES; None where retrieval found no candidate at all
    right: bool  # answering it would give an answer holding a gold string


def _answer_table(paired, reader: Reader, ratio: float, penalty: float) -> list[AnswerExample]:
    """Each example read by its cross-fitted models, with whether answering it would be right."""
    blank = LinearModel.blank(ANSWER_FEATURES)
    table = []
    for example, sentence, span in paired:
        deciding = reader.with_model(ReaderModel(sentence, span, blank, 0.0, {}, ratio, penalty))
        assessed = deciding.assess(example.asked, example.candidates, example.rows, example.question_vector, example.span_adapter)
        if assessed is None:
            table.append(AnswerExample(example, None, False))
            continue
        reading = Reading(example.asked, assessed.ranked, 1.0, True, assessed.short_answer, assessed.companion, assessed.short_from)
        table.append(AnswerExample(example, assessed.row, bool(outcome(example, reading)["gold"])))
    return table


def _fit_answer_model(table: Sequence[AnswerExample], columns: Sequence[int] | None = None) -> LinearModel:
    """Learns whether the answer the reader would give is right: its probability is the confidence a
    user sees. Wrong answers to answerable questions are negatives beside the unanswerable questions,
    so refusing spends the false-abstention allowance on answers that would have been wrong."""
    used = [a for a in table if a.row is not None]
    labels = np.array([int(a.right) for a in used])
    if len(set(labels.tolist())) < 2:  # a training set of one kind (a small subset): only its base rate is known
        blank = LinearModel.blank(ANSWER_FEATURES)
        return LinearModel(blank.features, blank.mean, blank.scale, blank.weights, 4.0 if labels.size and labels[0] else -4.0)
    return _fit_with_columns(np.array([a.row for a in used]), labels, ANSWER_FEATURES, columns)


def _threshold(table: Sequence[AnswerExample], columns: Sequence[int] | None = None) -> float:
    """The confidence below which at most FALSE_ABSTENTION of the answerable questions are refused,
    each question's confidence coming from an answer model fitted on the other issues."""
    confidences = []
    for fold in sorted({a.example.fold for a in table}):
        model = _fit_answer_model([a for a in table if fold not in a.example.excluded_from], columns)
        confidences += [
            float(model.probability(a.row[None, :])[0]) if a.row is not None else 0.0
            for a in table
            if a.example.fold == fold and a.example.question.answerable
        ]
    confidences.sort()
    allowed = int(FALSE_ABSTENTION * len(confidences))  # answerable questions it may refuse
    threshold = confidences[allowed] if allowed < len(confidences) else 0.0
    return float(np.floor(threshold * 1000) / 1000)


def choose_decisions(examples: Sequence[Example], reader: Reader, columns=None, span_columns=None, answer_columns=None) -> Decisions:
    """The companion settings, the answer model and its threshold that do best on `examples`, each
    question read by models fitted on the other issues of `examples`, so they too are chosen on unseen answers."""
    paired = _cross_fitted(examples, reader, columns, span_columns)
    blank = LinearModel.blank(ANSWER_FEATURES)

    def outcomes(ratio: float, penalty: float) -> list[dict]:
        return [
            outcome(e, reader.with_model(ReaderModel(m, s, blank, 0.0, {}, ratio, penalty)).decide(e.asked, e.candidates, e.rows, e.question_vector, e.span_adapter))
            for e, m, s in paired
        ]

    ratio = max(COMPANION_RATIOS, key=lambda r: sum(o["gold"] for o in outcomes(r, 0.0)))
    penalty = max(COMPANION_PENALTIES, key=lambda q: sum(o["f1"] for o in outcomes(ratio, q)))
    table = _answer_table(paired, reader, ratio, penalty)
    return Decisions(_fit_answer_model(table, answer_columns), _threshold(table, answer_columns), ratio, penalty)


def fit(
    examples: Sequence[Example],
    reader: Reader,
    *,
    columns: Sequence[int] | None = None,
    span_columns: Sequence[int] | None = None,
    answer_columns: Sequence[int] | None = None,
    sets: Sequence[str] = (),
    adapter_cache: AdapterCache | None = None,
) -> ReaderModel:
    """The adapters, the three models and the decisions around them, fitted on `examples` (from the question files `sets`)."""
    adapter, span_adapter = fit_adapters(examples, reader, adapter_cache)
    examples = adapted_out_of_fold(examples, reader, adapter_cache)
    sentence = fit_sentence_model(examples, columns)
    span = fit_span_model(examples, reader, span_columns)
    decisions = choose_decisions(examples, reader, columns, span_columns, answer_columns)
    record = {"questions": len(examples), "answerable": sum(e.question.answerable for e in examples), "sets": sorted(set(sets))}
    return ReaderModel(sentence, span, decisions.answer, decisions.threshold, record, decisions.companion_ratio, decisions.companion_penalty, adapter, span_adapter)


def cross_validate(
    examples: Sequence[Example],
    reader: Reader,
    *,
    columns: Sequence[int] | None = None,
    span_columns: Sequence[int] | None = None,
    answer_columns: Sequence[int] | None = None,
    progress: bool = True,
    adapter_cache: AdapterCache | None = None,
) -> list[dict]:
    """Every question answered by models fitted without its issue: one outcome row each."""
    rows = []
    folds = sorted({e.fold for e in examples})
    for fold in tqdm(folds, desc="folds", unit="fold", disable=not progress):
        training = [e for e in examples if fold not in e.excluded_from]
        model = fit(training, reader, columns=columns, span_columns=span_columns, answer_columns=answer_columns, adapter_cache=adapter_cache)
        deciding = reader.with_model(model)
        for example in with_adapter([e for e in examples if e.fold == fold], model.adapter, model.span_adapter):
            reading = deciding.decide(example.asked, example.candidates, example.rows, example.question_vector)
            rows.append(outcome(example, reading) | {"fold": fold, "threshold": model.threshold, "ratio": model.companion_ratio})
    return rows


def summarise_outcomes(rows: Sequence[dict]) -> dict:
    """The answer figures of pooled outcome rows."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    answered = [r for r in answerable if not r["abstained"]]
    mean = lambda values: round(float(np.mean(values)), 4) if len(values) else None  # noqa: E731
    return {
        "questions": len(rows),
        "answer_contains_gold": mean([r["gold"] for r in answerable]),
        "short_answer_f1": mean([r["f1"] for r in answerable]),
        "citation_precision": mean([r["precision"] for r in answered]),
        "abstention_on_unanswerable": mean([r["abstained"] for r in unanswerable]),
        "false_abstention": mean([r["abstained"] for r in answerable]),
    }


def by_group(rows: Sequence[dict], key: str) -> dict[str, dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[str(row[key])].append(row)
    return {name: summarise_outcomes(group) for name, group in sorted(groups.items())}


TRAINING_SETS = ("questions.jsonl", "heldout.jsonl", "dev.jsonl", "styles.jsonl", "off_topic.jsonl", "blind.jsonl", "drafted.jsonl")  # every set the project has


def load_training_questions(paths: Sequence | None = None) -> list[tuple[str, Question]]:
    """(set name, question) for every question of the given files (default: all the project's sets)."""
    from pathlib import Path

    from eval.questions import DEFAULT_QUESTIONS, load_questions

    from rag.errors import ConfigError

    files = [Path(p) for p in paths] if paths else [DEFAULT_QUESTIONS.with_name(name) for name in TRAINING_SETS]
    named = [(path.stem, question) for path in files for question in load_questions(path)]
    ids = [q.id for _name, q in named]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise ConfigError(f"Question ids must be unique across the files; repeated: {', '.join(twice[:10])}")
    return named


# Feature groups an ablation drops, one at a time: each is one signal family of features.py,
# left out of every model that reads it (the answer model reads some sentence features of
# the best sentence under the same names).
FEATURE_GROUPS = {
    "meaning (cosine)": ("cosine", "cosine_gap"),
    "question adapter (learned cosine)": ("adapted_cosine", "adapted_cosine_gap"),
    "span meaning (span cosine, span adapter)": ("span_cosine", "span_cosine_gap", "span_adapted_cosine", "span_adapted_cosine_gap"),
    "coverage of the question's terms": ("coverage", "coverage_gap", "coverage_context", "coverage_title", "coverage_before", "coverage_after", "coverage_rare_here", "coverage_rare_here_gap", "beside_best"),
    "novelty": ("novelty",),
    "pinned names and figures": ("pins_sentence", "pins_around"),
    "kind asked for (NER + WordNet)": ("kind_fit", "kind_count", "kind_window", "kind_missing", "wants_entity", "description", "span_label_fit"),
    "noun and verb asked about (WordNet)": ("noun_match", "verb_match", "noun_own", "verb_own"),
    "retrieval rank and scores": ("rank", "fused", "dense", "bm25"),
    "prose, verb, subject, question mark, length": ("prose", "has_verb", "focus_subject", "asks", "length"),
    "answer model: the sentence and span scores": ("sentence_logit", "sentence_margin", "span_logit", "span_tree", "span_in_question"),
    "span's setting (question words near it, the noun it counts, figures)": ("local_words", "local_words_gap", "local_tree", "local_tree_gap", "counts_noun", "digits"),
    "how rare the answer is in the corpus": ("kind_rarity", "rarity", "span_rarity"),
}


def ablation(
    examples: Sequence[Example], reader: Reader, *, everything: dict | None = None, adapter_cache: AdapterCache | None = None, progress: bool = True
) -> dict[str, dict]:
    """Pooled CV figures with each feature group left out in turn (`everything`: the figures with
    all features, when the caller has them already, so that CV is not run twice)."""
    cache: AdapterCache = {} if adapter_cache is None else adapter_cache
    results = {"all features": everything if everything is not None else summarise_outcomes(cross_validate(examples, reader, progress=False, adapter_cache=cache))}
    for name, group in tqdm(FEATURE_GROUPS.items(), desc="ablation", unit="group", disable=not progress):
        columns = [i for i, feature in enumerate(SENTENCE_FEATURES) if feature not in group]
        answer_columns = [i for i, feature in enumerate(ANSWER_FEATURES) if feature not in group]
        # a name both tables have ("length") is the sentence's: the span model loses only features of its own
        span_columns = [i for i, feature in enumerate(SPAN_FEATURES) if feature not in group or feature in SENTENCE_FEATURES]
        rows = cross_validate(examples, reader, columns=columns, span_columns=span_columns, answer_columns=answer_columns, progress=False, adapter_cache=cache)
        results[f"without {name}"] = summarise_outcomes(rows)
    return results
