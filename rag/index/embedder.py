"""Embedding models behind one small interface, so another model can replace the default.

Queries and passages go through separate methods: models that want prefixes (E5, BGE)
get them from sentence-transformers' prompts. Nothing loads until first use.

    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    vectors = embedder.embed_documents(["passage one", "passage two"])
    query = embedder.embed_query("who opened the workshop?")
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from functools import cached_property
from typing import Literal

import numpy as np

from rag.errors import ModelError
from rag.models import resolve_embedding_model

log = logging.getLogger(__name__)
Kind = Literal["query", "document"]


class Embedder(ABC):
    """Turns text into L2-normalised float32 vectors (so inner product is cosine)."""

    name: str

    @abstractmethod
    def encode(self, texts: list[str], *, kind: Kind, progress: bool = False) -> np.ndarray:
        """Vectors for `texts`, one row each, normalised."""

    @property
    @abstractmethod
    def dimensions(self) -> int: ...

    @property
    @abstractmethod
    def max_tokens(self) -> int:
        """Word pieces the model reads; the rest would be silently dropped."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` without special tokens."""

    def embed_documents(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self.encode(texts, kind="document", progress=progress)

    def embed_query(self, text: str) -> np.ndarray:
        """The question's vector. The assistant needs it twice, to search and to rank the found
        passages' sentences, so the last one is remembered rather than embedded again."""
        last = getattr(self, "_last_query", None)
        if last is not None and last[0] == text:
            return last[1]
        vector = self.encode([text], kind="query")[0]
        vector.setflags(write=False)  # shared between callers
        self._last_query = (text, vector)
        return vector


class SentenceTransformerEmbedder(Embedder):
    """Any local sentence-transformers model; the bundled all-MiniLM-L6-v2 by default."""

    def __init__(self, name_or_path: str = "all-MiniLM-L6-v2", *, batch_size: int = 32) -> None:
        self.name = name_or_path
        self.batch_size = batch_size

    @cached_property
    def _model(self):
        path = resolve_embedding_model(self.name)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder must never reach for a hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            return SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"Cannot load the embedding model at {path}: {exc}") from exc

    @cached_property
    def _tokenizer(self):
        return self._model.tokenizer

    @property
    def dimensions(self) -> int:
        model = self._model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def max_tokens(self) -> int:
        return int(self._model.max_seq_length) - 2  # [CLS] and [SEP] take two places

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    def encode(self, texts: list[str], *, kind: Kind, progress: bool = False) -> np.ndarray:
        method = self._model.encode_query if kind == "query" else self._model.encode_document
        vectors = method(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
