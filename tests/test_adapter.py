"""The question adapter: a learned move of the question's vector, applied only where it fits."""

from types import SimpleNamespace

import numpy as np
import pytest

from eval.adapter_training import fit_adapter
from rag.answer.adapter import QuestionAdapter
from rag.answer.features import span_meaning
from rag.answer.scorer import ReaderModel
from rag.errors import ConfigError

SIZE = 16


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def test_no_matrix_or_a_matrix_of_another_size_leaves_the_vector_as_it_is():
    vector = _unit(np.arange(1, SIZE + 1, dtype=np.float32))
    assert np.array_equal(QuestionAdapter().adapt(vector), vector)
    assert np.array_equal(QuestionAdapter(np.eye(SIZE + 1, dtype=np.float32)).adapt(vector), vector)  # an index of another model


def test_an_adapted_vector_is_a_unit_vector():
    matrix = np.random.default_rng(0).normal(size=(SIZE, SIZE)).astype(np.float32)
    adapted = QuestionAdapter(matrix).adapt(_unit(np.ones(SIZE, dtype=np.float32)))
    assert np.linalg.norm(adapted) == pytest.approx(1.0, abs=1e-5)


def test_an_adapter_saved_and_loaded_is_the_same_and_a_damaged_one_is_a_config_error(tmp_path):
    matrix = np.random.default_rng(1).normal(size=(SIZE, SIZE)).astype(np.float32)
    path = QuestionAdapter(matrix).save(tmp_path / "adapter.npy")
    assert np.array_equal(QuestionAdapter.load(path).matrix, matrix)
    (tmp_path / "broken.npy").write_bytes(b"not an array")
    with pytest.raises(ConfigError):
        QuestionAdapter.load(tmp_path / "broken.npy")
    with pytest.raises(ConfigError):
        QuestionAdapter.load(tmp_path / "absent.npy")
    np.save(tmp_path / "flat.npy", np.ones(SIZE))
    with pytest.raises(ConfigError, match="square"):
        QuestionAdapter.load(tmp_path / "flat.npy")


def _questions(count: int, seed: int, turn: np.ndarray) -> list:
    """Questions whose answering sentence lies along `turn @ q`, among sentences nearer q itself:
    the plain cosine ranks a distractor first, a fitted adapter should learn the turn."""
    generator = np.random.default_rng(seed)
    examples = []
    for _ in range(count):
        question = _unit(generator.normal(size=SIZE))
        right = _unit(turn @ question + 0.1 * generator.normal(size=SIZE))
        near = [_unit(question + 0.6 * generator.normal(size=SIZE)) for _ in range(4)]
        vectors = [right, *near]
        examples.append(
            SimpleNamespace(
                question=SimpleNamespace(answerable=True),
                question_vector=question.astype(np.float32),
                candidates=[SimpleNamespace(vector=v.astype(np.float32)) for v in vectors],
                labels=np.array([1, 0, 0, 0, 0], dtype=np.int8),
            )
        )
    return examples


def _top1(examples: list, adapter: QuestionAdapter) -> float:
    hits = []
    for example in examples:
        adapted = adapter.adapt(example.question_vector)
        scores = [float(c.vector @ adapted) for c in example.candidates]
        hits.append(int(np.argmax(scores)) == 0)
    return float(np.mean(hits))


def test_a_fitted_adapter_finds_answering_sentences_on_questions_it_did_not_see():
    turn = np.linalg.qr(np.random.default_rng(5).normal(size=(SIZE, SIZE)))[0]  # a rotation
    training, unseen = _questions(300, seed=11, turn=turn), _questions(100, seed=12, turn=turn)
    adapter = fit_adapter(training)
    assert adapter.matrix.shape == (SIZE, SIZE)
    assert _top1(unseen, QuestionAdapter()) < 0.3
    assert _top1(unseen, adapter) > 0.8


def test_questions_that_teach_nothing_give_the_identity():
    unanswerable = SimpleNamespace(question=SimpleNamespace(answerable=False), question_vector=np.ones(SIZE), candidates=[1], labels=np.zeros(1))
    assert fit_adapter([unanswerable]).matrix is None


def test_the_shipped_model_carries_both_adapters_for_the_bundled_embedding_model():
    model = ReaderModel.load()
    for adapter in (model.adapter, model.span_adapter):
        assert adapter.matrix is not None and adapter.matrix.shape == (384, 384)  # all-MiniLM-L6-v2's width
        assert np.abs(adapter.matrix).max() < 1.0  # a bend of the model's space, not a new one
    assert not np.array_equal(model.adapter.matrix, model.span_adapter.matrix)


def test_a_model_saved_elsewhere_takes_its_adapters_along_and_a_missing_one_is_a_config_error(tmp_path):
    shipped = ReaderModel.load()
    path = shipped.save(tmp_path / "refitted.json")
    loaded = ReaderModel.load(path)
    assert np.array_equal(loaded.adapter.matrix, shipped.adapter.matrix)
    assert np.array_equal(loaded.span_adapter.matrix, shipped.span_adapter.matrix)
    (tmp_path / "refitted.span_adapter.npy").unlink()
    with pytest.raises(ConfigError, match="rag eval train"):
        ReaderModel.load(path)


def test_span_cosines_are_zero_without_vectors_and_the_adapted_ones_follow_the_adapted_question():
    assert not span_meaning(None, np.ones(SIZE), None).any()
    spans = np.stack([_unit(np.eye(SIZE)[0] + 0.5 * np.eye(SIZE)[1]), _unit(np.eye(SIZE)[1])]).astype(np.float32)
    question, moved = np.eye(SIZE, dtype=np.float32)[0], np.eye(SIZE, dtype=np.float32)[1]
    plain, plain_gap, adapted, adapted_gap = span_meaning(spans, question, moved).T
    assert plain[0] > plain[1] and plain_gap.max() == 0.0  # the first span is nearer the question
    assert adapted[1] > adapted[0] and adapted_gap[1] == 0.0  # the second, nearer the moved question
    assert span_meaning(spans, np.ones(SIZE + 1, dtype=np.float32), None).shape == (2, 4)  # another model's width: zeros, no error
