"""The learned scorer: three small logistic regressions read from one versioned JSON file.

The sentence model says how likely each sentence is to answer the question, and the best
one is quoted; the span model, which of that sentence's spans is the short answer; the
answer model, from how those two scored and what the best sentence holds, how likely it is
that this answer is right (none is, to a question the newsletters leave open). Its
probability is the answer's confidence, and below the file's threshold the assistant
abstains. All three are
standardise-then-weigh models fitted by scikit-learn (`rag eval train` refits the file
from the project's question sets, `rag eval cv` scores them by leave-one-issue-out
cross-validation); at question time they are a dot product, so answering loads no
scikit-learn. The file keeps each feature's name beside its weight, so it can be read,
and a file made for other features is refused.

    scorer = ReaderModel.load()                  # the file shipped in the package
    probabilities = scorer.sentence.probability(rows)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.answer.adapter import QuestionAdapter
from rag.answer.features import ANSWER_FEATURES, SENTENCE_FEATURES, SPAN_FEATURES
from rag.errors import ConfigError

MODEL_FILE = Path(__file__).with_name("reader_model.json")
FORMAT = 4  # 2: the answer model decides abstention; 3: with the question adapter; 4: and the span adapter
ADAPTER_KEYS = ("adapter", "span_adapter")  # JSON keys naming each adapter's file, beside the model file


@dataclass(frozen=True)
class LinearModel:
    """P(y=1 | x) = sigmoid(w · (x - mean) / scale + b)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float

    @classmethod
    def blank(cls, features: tuple[str, ...]) -> LinearModel:
        """All weights zero: every row scores 0 (probability one half)."""
        n = len(features)
        return cls(features, np.zeros(n), np.ones(n), np.zeros(n), 0.0)

    def logit(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(len(rows))
        return ((rows - self.mean) / self.scale) @ self.weights + self.intercept

    def best(self, rows: np.ndarray) -> tuple[int, float]:
        """The row scoring highest, and its logit."""
        scores = self.logit(rows)
        top = int(np.argmax(scores))
        return top, float(scores[top])

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(rows)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "intercept": round(float(self.intercept), 6),
        }

    @classmethod
    def from_dict(cls, data: dict, expected: tuple[str, ...], path: Path) -> LinearModel:
        if tuple(data["features"]) != expected:
            raise ConfigError(f"The reader model {path} was fitted on other features; refit it with `rag eval train`.")
        arrays = [np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "weights")]
        if any(len(a) != len(expected) for a in arrays):
            raise ConfigError(f"The reader model {path} is damaged (weights and features differ); refit it with `rag eval train`.")
        return cls(expected, *arrays, float(data["intercept"]))


@dataclass(frozen=True)
class ReaderModel:
    """The sentence, span and answer models, and the confidence below which the assistant abstains."""

    sentence: LinearModel
    span: LinearModel
    answer: LinearModel
    threshold: float
    trained_on: dict  # question files and counts, for the record
    companion_ratio: float = 1.01  # a second sentence of the best one's passage at this share of its probability is quoted too
    companion_penalty: float = 0.0  # what a short answer from that second sentence must beat the best sentence's by
    adapter: QuestionAdapter = QuestionAdapter()  # moves the question's vector for the adapted cosine (identity until fitted)
    span_adapter: QuestionAdapter = QuestionAdapter()  # ... for the span adapted cosine

    @classmethod
    def untrained(cls) -> ReaderModel:
        """All weights zero: for describing candidates before any model is fitted (training)."""
        blank = LinearModel.blank
        return cls(blank(SENTENCE_FEATURES), blank(SPAN_FEATURES), blank(ANSWER_FEATURES), 0.5, {})

    @classmethod
    def load(cls, path: Path | None = None) -> ReaderModel:
        path = path or MODEL_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"Cannot read the reader model {path} ({exc.strerror}); refit it with `rag eval train`.") from exc
        except ValueError as exc:
            raise ConfigError(f"The reader model {path} is not valid JSON ({exc}); refit it with `rag eval train`.") from exc
        if data.get("format") != FORMAT:
            raise ConfigError(f"The reader model {path} has format {data.get('format')}, not {FORMAT}; refit it with `rag eval train`.")
        sentence = LinearModel.from_dict(data["sentence"], SENTENCE_FEATURES, path)
        span = LinearModel.from_dict(data["span"], SPAN_FEATURES, path)
        answer = LinearModel.from_dict(data["answer"], ANSWER_FEATURES, path)
        adapter, span_adapter = (QuestionAdapter.load(path.with_name(data[key])) if data.get(key) else QuestionAdapter() for key in ADAPTER_KEYS)
        return cls(
            sentence,
            span,
            answer,
            float(data["threshold"]),
            data.get("trained_on", {}),
            float(data["companion_ratio"]),
            float(data["companion_penalty"]),
            adapter,
            span_adapter,
        )

    def save(self, path: Path | None = None) -> Path:
        """The JSON file, and the adapters' matrices beside it (their names recorded in the JSON)."""
        path = path or MODEL_FILE
        names = {}
        for key, adapter in zip(ADAPTER_KEYS, (self.adapter, self.span_adapter)):
            names[key] = path.with_suffix(f".{key}.npy").name if adapter.matrix is not None else None
            if names[key]:
                adapter.save(path.with_name(names[key]))
        data = {
            "format": FORMAT,
            "note": "Fitted by `rag eval train`; scored by `rag eval cv` (leave-one-issue-out). Weights apply to standardised features.",
            "threshold": round(self.threshold, 4),
            "companion_ratio": round(self.companion_ratio, 4),
            "companion_penalty": round(self.companion_penalty, 4),
            "trained_on": self.trained_on,
            **names,
            "sentence": self.sentence.to_dict(),
            "span": self.span.to_dict(),
            "answer": self.answer.to_dict(),
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        return path
