"""The one owner of the index folder's on-disk format; nothing else writes into it.

Layout (each build is written aside, then switched to atomically):

    <index_dir>/
        CURRENT                 name of the live build, replaced with os.replace (atomic)
        build-<stamp>/
            manifest.json       format version, model, dimensions, chunker, source hashes
            passages.jsonl      one Passage per line, row i = vector i
            documents.jsonl     cleaned text, metadata and sections of each issue
            vectors.npy         float32, L2-normalised
            sentences.npy       float32 vectors of every passage's answer sentences (rag/index/sentences.py)
            sentence_offsets.npy  int64, passage i's sentences are rows offsets[i]:offsets[i+1]
            sentences.jsonl     per passage: its answer sentences' [start, end, previous] and what spaCy read in
                                each (entities, subject spans, whether it has a verb: rag/index/annotations.py)
            dense.faiss         FAISS index over the vectors
            bm25/               bm25s index over the same passages

A crash or Ctrl-C mid-build leaves CURRENT pointing at the previous, complete build. The
vectors and the FAISS index are opened memory-mapped, so opening an index reads only what a
search touches and several processes share one copy in the page cache.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.dense import DenseIndex
from rag.errors import REBUILD_HINT, IndexError_, IndexMissingError, IndexOutdatedError
from rag.index.annotations import SentenceNotes
from rag.index.passages import Passage
from rag.index.sentences import SentenceSpan, StoredSentence
from rag.index.sparse import SparseIndex

FORMAT_VERSION = 6  # 2: BM25 tokens in American spelling; 3: sentences cut by a page break rejoined; 4: or by footnotes; 5: spaCy notes;
# 6: the embedding backend (int8 ONNX vectors differ from PyTorch's) named in the manifest
CURRENT = "CURRENT"
MANIFEST = "manifest.json"


@dataclass
class Manifest:
    embedding_model: str
    dimensions: int
    chunker: dict[str, int]
    dense_kind: str
    sources: dict[str, dict[str, str]]  # doc_id -> {"path", "sha256", "issue"}
    passages: int
    ner_model: str = ""  # the spaCy pipeline that read the stored sentences
    embedding_backend: str = "torch"  # how the vectors were computed: queries must be embedded the same way
    format_version: int = FORMAT_VERSION
    built_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__})


@dataclass
class StoredIndex:
    """Everything a retriever needs, read back from one build."""

    folder: Path
    manifest: Manifest
    passages: list[Passage]
    documents: list[dict[str, Any]]
    vectors: np.ndarray
    dense: DenseIndex
    sparse: SparseIndex
    sentences: list[list[StoredSentence]]  # per passage, its answer sentences with vectors and entities


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    build = index_dir / pointer.read_text(encoding="utf-8").strip()
    return build if build.is_dir() else None


def read_manifest(index_dir: Path) -> Manifest | None:
    build = current_build(index_dir)
    if build is None:
        return None
    try:
        return Manifest.from_dict(json.loads((build / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexError_(f"The index at {index_dir} is corrupt (unreadable manifest: {exc}). {REBUILD_HINT}") from exc


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_index(index_dir: Path) -> StoredIndex:
    """Read the live build; a missing or damaged folder raises with the command that rebuilds it."""
    build = current_build(index_dir)
    if build is None:
        raise IndexMissingError(f"No index found at {index_dir}. {REBUILD_HINT}")
    manifest = read_manifest(index_dir)
    assert manifest is not None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexOutdatedError(
            f"The index at {index_dir} has format {manifest.format_version}; this version reads {FORMAT_VERSION}. "
            "Run `rag index` to rebuild it."
        )
    try:
        passages = [Passage.from_dict(row) for row in _read_jsonl(build / "passages.jsonl")]
        documents = _read_jsonl(build / "documents.jsonl")
        vectors = np.load(build / "vectors.npy", mmap_mode="r")  # mapped, not read: pages load as searched
        dense = DenseIndex.load(build / "dense.faiss", manifest.dense_kind)  # type: ignore[arg-type]
        sparse = SparseIndex.load(build / "bm25", len(passages))
        sentences = _load_sentences(build, len(passages))
    except Exception as exc:  # any damaged file: one clear message, not a library traceback
        raise IndexError_(f"The index at {index_dir} is corrupt ({type(exc).__name__}: {exc}). {REBUILD_HINT}") from exc
    if not (len(passages) == len(vectors) == dense.size == manifest.passages):
        raise IndexError_(f"The index at {index_dir} is inconsistent (passages and vectors differ). {REBUILD_HINT}")
    return StoredIndex(build, manifest, passages, documents, vectors, dense, sparse, sentences)


def _load_sentences(build: Path, passages: int) -> list[list[StoredSentence]]:
    vectors = np.load(build / "sentences.npy", mmap_mode="r")
    offsets = np.load(build / "sentence_offsets.npy")
    rows = _read_jsonl(build / "sentences.jsonl")
    if len(offsets) != passages + 1 or offsets[-1] != len(vectors) or len(rows) != passages:
        raise ValueError("sentence vectors do not match the passages")
    loaded = []
    for i, row in enumerate(rows):
        block = vectors[offsets[i] : offsets[i + 1]]
        if len(row["spans"]) != len(block) or len(row["notes"]) != len(block):
            raise ValueError(f"passage {i}: sentence spans, vectors and notes differ")
        sentences = []
        for span, vector, data in zip(row["spans"], block, row["notes"]):
            notes = SentenceNotes.from_json(data)
            sentences.append(StoredSentence(SentenceSpan(*span), vector, notes.entities, notes.subjects, notes.has_verb))
        loaded.append(sentences)
    return loaded


def write_index(
    index_dir: Path,
    *,
    manifest: Manifest,
    passages: list[Passage],
    documents: list[dict[str, Any]],
    vectors: np.ndarray,
    dense: DenseIndex,
    sparse: SparseIndex,
    sentence_spans: list[list[SentenceSpan]],
    sentence_vectors: list[np.ndarray],
    sentence_notes: list[list[SentenceNotes]],
) -> Path:
    """Write a complete build aside, then make it live in one atomic step."""
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    staging = index_dir / f".{name}.partial"
    staging.mkdir()
    try:
        (staging / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        with (staging / "passages.jsonl").open("w", encoding="utf-8") as handle:
            for passage in passages:
                handle.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
        with (staging / "documents.jsonl").open("w", encoding="utf-8") as handle:
            for document in documents:
                handle.write(json.dumps(document, ensure_ascii=False) + "\n")
        np.save(staging / "vectors.npy", vectors.astype(np.float32))
        dense.save(staging / "dense.faiss")
        sparse.save(staging / "bm25")
        offsets = np.cumsum([0] + [len(v) for v in sentence_vectors], dtype=np.int64)
        stacked = np.concatenate(sentence_vectors) if sentence_vectors else np.zeros((0, vectors.shape[1]))
        np.save(staging / "sentences.npy", stacked.astype(np.float32))
        np.save(staging / "sentence_offsets.npy", offsets)
        with (staging / "sentences.jsonl").open("w", encoding="utf-8") as handle:
            for spans, notes in zip(sentence_spans, sentence_notes, strict=True):
                row = {"spans": [list(s) for s in spans], "notes": [n.to_json() for n in notes]}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        final = index_dir / name
        staging.rename(final)
        pointer = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
        pointer.write_text(name, encoding="utf-8")
        os.replace(pointer, index_dir / CURRENT)  # the switch: atomic on POSIX
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _remove_stale_builds(index_dir, keep=name)
    return final


def _remove_stale_builds(index_dir: Path, keep: str) -> None:
    for entry in index_dir.iterdir():
        if entry.is_dir() and entry.name != keep and (entry.name.startswith("build-") or entry.name.endswith(".partial")):
            shutil.rmtree(entry, ignore_errors=True)
