"""Embedding models behind one small interface, so another model can replace the default.

Two backends read the same sentence-transformers folder: "onnx-int8" (the default) runs an
int8 export through onnxruntime with the model's own tokenizer, so neither an index build
nor a query imports torch; "torch" runs sentence-transformers itself. Queries and passages
go through separate methods: models that want prefixes (E5, BGE) get the prompts their
folder names. Nothing loads until first use.

    embedder = make_embedder("all-MiniLM-L6-v2", "onnx-int8", cache_dir=Path("embeddings/models"))
    vectors = embedder.embed_documents(["passage one", "passage two"])
    query = embedder.embed_query("who opened the workshop?")
"""

from __future__ import annotations

import json
import logging
import os
from abc import ABC, abstractmethod
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np

from rag.errors import ConfigError, ModelError
from rag.models import resolve_embedding_model

log = logging.getLogger(__name__)
Kind = Literal["query", "document"]
Backend = Literal["onnx-int8", "torch"]
BACKENDS: tuple[str, ...] = ("onnx-int8", "torch")


class Embedder(ABC):
    """Turns text into L2-normalised float32 vectors (so inner product is cosine)."""

    name: str
    backend: str

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

    def embed_in_context(
        self, texts: list[str], spans: list[list[tuple[int, int]]], *, progress: bool = False
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector, and one vector per character span of it (its sentences).

        This default embeds each span on its own, a second pass over the same words; the ONNX
        backend pools the spans from the text's own token states instead (late chunking).
        """
        vectors = self.embed_documents(texts, progress=progress)
        pieces = [text[a:b] for text, text_spans in zip(texts, spans) for a, b in text_spans]
        unique = list(dict.fromkeys(pieces))  # overlapping passages share a sentence: embed it once
        found = self.embed_documents(unique, progress=progress) if unique else np.zeros((0, vectors.shape[1]), np.float32)
        row_of = {piece: row for row, piece in enumerate(unique)}
        out, cursor = [], 0
        for text_spans in spans:
            out.append(found[[row_of[piece] for piece in pieces[cursor : cursor + len(text_spans)]]].reshape(len(text_spans), -1))
            cursor += len(text_spans)
        return vectors, out

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

    backend = "torch"

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


class OnnxEmbedder(Embedder):
    """The same model as int8 ONNX through onnxruntime, pooled and prompted as its folder says.

    Texts are embedded one per run by default: nothing is padded (the corpus is 70,590
    tokens so, 85,440 in batches of 32 of similar length), it is no slower, and a text's
    vector does not depend on the texts batched with it (dynamic quantisation scales
    activations per run: two builds that batched the corpus differently gave passage vectors
    up to 0.021 apart in cosine).
    """

    backend = "onnx-int8"

    def __init__(
        self, name_or_path: str, *, cache_dir: Path, batch_size: int = 1, threads: int | None = None, spin: bool = True
    ) -> None:
        self.name = name_or_path
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.threads = threads
        self.spin = spin  # idle worker threads spin-wait: faster alone, but they steal a core from work beside them

    @cached_property
    def _folder(self) -> Path:
        return resolve_embedding_model(self.name)

    @cached_property
    def _config(self) -> dict:
        """Pooling, sequence length and prompts, from the files sentence-transformers writes."""
        def read(name: str):
            file = self._folder / name
            return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}

        modules = read("modules.json") or []
        pooling = next((read(f"{m['path']}/config.json") for m in modules if "Pooling" in m.get("type", "")), {})
        mode = "cls" if pooling.get("pooling_mode_cls_token") else "max" if pooling.get("pooling_mode_max_tokens") else "mean"
        prompts = read("config_sentence_transformers.json").get("prompts") or {}
        return {
            "pooling": mode,
            "max_seq_length": int(read("sentence_bert_config.json").get("max_seq_length", 512)),
            "prompts": {"query": prompts.get("query", ""), "document": prompts.get("document", prompts.get("passage", ""))},
        }

    @cached_property
    def _session(self):
        from rag.index.onnx_export import prepared_model

        path = prepared_model(self._folder, self.cache_dir, label=self.name)
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads or min(4, os.cpu_count() or 1)
        options.log_severity_level = 3  # warnings about unused initialisers are not the user's business
        if not self.spin:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged cached export: say where it is
            raise ModelError(f"Cannot load the ONNX embedding model {path} ({exc}); delete it to export it again.") from exc

    @cached_property
    def _tokenizers(self):
        """One tokenizer that truncates and pads for the model, one that counts whole texts."""
        from tokenizers import Tokenizer

        file = self._folder / "tokenizer.json"
        if not file.is_file():
            raise ModelError(f"{self._folder} has no tokenizer.json; the onnx-int8 backend needs one (or use backend torch).")
        for_model = Tokenizer.from_file(str(file))
        for_model.enable_truncation(self._config["max_seq_length"])
        for_model.enable_padding()
        counter = Tokenizer.from_file(str(file))
        counter.no_truncation()
        counter.no_padding()
        return for_model, counter

    @cached_property
    def _input_names(self) -> set[str]:
        return {i.name for i in self._session.get_inputs()}

    @cached_property
    def dimensions(self) -> int:  # type: ignore[override]
        return int(self.encode(["dimension probe"], kind="document").shape[1])

    @property
    def max_tokens(self) -> int:
        return self._config["max_seq_length"] - 2

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizers[1].encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str], *, kind: Kind, progress: bool = False) -> np.ndarray:
        vectors, _ = self._run(texts, None, kind, progress)
        return vectors

    def embed_in_context(
        self, texts: list[str], spans: list[list[tuple[int, int]]], *, progress: bool = False
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Late chunking: a sentence's vector is the mean of its own tokens' states in the passage's
        forward pass, so the sentences cost no second pass (13 s of a 54 s build) and each is read
        with its neighbours (who "he" is). The reader's cross-validated figures held (docs/decisions.md)."""
        return self._run(texts, spans, "document", progress)

    def _run(
        self, texts: list[str], spans: list[list[tuple[int, int]]] | None, kind: Kind, progress: bool
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        prompt = self._config["prompts"][kind]
        texts = [prompt + text for text in texts] if prompt else list(texts)
        shifted = [[(a + len(prompt), b + len(prompt)) for a, b in text_spans] for text_spans in spans] if spans else None
        order = np.argsort([len(text) for text in texts], kind="stable")
        out: np.ndarray | None = None
        pooled_spans: list[np.ndarray] = [np.zeros((0, 0), np.float32)] * len(texts)
        starts = range(0, len(texts), self.batch_size)
        if progress and len(starts) > 1:  # a query is one batch: no bar to make
            from tqdm import tqdm

            starts = tqdm(starts, desc="embedding", unit="batch")
        for start in starts:
            rows = order[start : start + self.batch_size]
            vectors, parts = self._embed_batch([texts[i] for i in rows], [shifted[i] for i in rows] if shifted else None)
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), np.float32)
            out[rows] = vectors
            for row, part in zip(rows, parts):
                pooled_spans[row] = part
        return (out if out is not None else np.zeros((0, 0), np.float32)), pooled_spans

    def _embed_batch(
        self, texts: list[str], spans: list[list[tuple[int, int]]] | None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        encodings = self._tokenizers[0].encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        states = self._session.run(None, {k: v for k, v in feeds.items() if k in self._input_names})[0]
        vectors = _normalised(self._pool(states, mask))
        parts: list[np.ndarray] = []
        for row, text_spans in enumerate(spans or []):
            offsets = np.array(encodings[row].offsets, dtype=np.int64).reshape(-1, 2)
            real = (offsets[:, 1] > offsets[:, 0]) & (mask[row] > 0)  # not [CLS], [SEP] or padding
            masks = np.array([real & (offsets[:, 0] < b) & (offsets[:, 1] > a) for a, b in text_spans], dtype=np.int64)
            if not len(masks):
                parts.append(np.zeros((0, states.shape[2]), np.float32))
                continue
            parts.append(_normalised(self._pool(np.broadcast_to(states[row], (len(masks), *states.shape[1:])), masks)))
        return vectors, parts

    def _pool(self, states: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self._config["pooling"] == "cls":
            return states[:, 0]
        if self._config["pooling"] == "max":
            return np.where(mask[..., None] > 0, states, -np.inf).max(axis=1)
        return (states * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def make_embedder(
    name_or_path: str,
    backend: str,
    *,
    cache_dir: Path,
    batch_size: int | None = None,
    threads: int | None = None,
    spin: bool = True,
) -> Embedder:
    """The embedder an index is built or searched with; the backend is part of what built it.
    `batch_size` None takes the backend's own (one text per run for ONNX, 32 for torch)."""
    if backend == "onnx-int8":
        return OnnxEmbedder(name_or_path, cache_dir=cache_dir, batch_size=batch_size or 1, threads=threads, spin=spin)
    if backend == "torch":
        return SentenceTransformerEmbedder(name_or_path, batch_size=batch_size or 32)
    raise ConfigError(f"Unknown embedding backend {backend!r}; use {' or '.join(BACKENDS)}.")
