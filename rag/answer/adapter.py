"""The question adapter: a learned linear map of the question's vector, so its cosine with the answer sentence rises.

all-MiniLM-L6-v2 was trained on general sentence pairs; a question and the sentence that
answers it in these newsletters (a lead naming the event, then the sentence with the
place or date asked for) are not what it learned to bring together. The adapter moves the
question's vector by a matrix, q' = q + W q, fitted on the project's labelled questions
(`eval/adapter_training.py`) to make the answering sentence the most similar of its
candidates; W is pulled towards zero, so it only bends the model's space. The sentence
model reads the adapted cosine beside the plain one. A second adapter does the same for the
short answer: fitted so the span that answers is the most similar of its sentence's spans
(each span's vector pooled from its tokens' states in the passage), it learns what a "why"
or a "which bank" question's answer looks like. At question time each is one
matrix-vector product.

An index built with another embedding model has vectors of another space: an adapter of
another size is not applied (the adapted cosine is then the plain one).

    adapter = QuestionAdapter.load(path)            # reader_model.adapter.npy, beside the reader model
    adapted = adapter.adapt(question_vector)        # a unit vector, same size
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import ConfigError


@dataclass(frozen=True)
class QuestionAdapter:
    """q' = (q + W q) / |q + W q|; no matrix at all is the identity."""

    matrix: np.ndarray | None = None

    def adapt(self, vector: np.ndarray) -> np.ndarray:
        if self.matrix is None or self.matrix.shape != (len(vector), len(vector)):
            return vector
        moved = vector + self.matrix @ vector
        norm = float(np.linalg.norm(moved))
        return moved / norm if norm > 0 else vector

    @classmethod
    def load(cls, path: Path) -> QuestionAdapter:
        try:
            matrix = np.load(path, allow_pickle=False)
        except OSError as exc:
            raise ConfigError(f"Cannot read the question adapter {path} ({exc.strerror or exc}); refit it with `rag eval train`.") from exc
        except ValueError as exc:
            raise ConfigError(f"The question adapter {path} is damaged ({exc}); refit it with `rag eval train`.") from exc
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ConfigError(f"The question adapter {path} is not a square matrix; refit it with `rag eval train`.")
        return cls(matrix.astype(np.float32))

    def save(self, path: Path) -> Path:
        if self.matrix is None:
            raise ValueError("an identity adapter has no matrix to save")
        np.save(path, self.matrix.astype(np.float32), allow_pickle=False)
        return path
