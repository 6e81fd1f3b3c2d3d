"""Build or update the index from newsletter files: ingest, chunk, embed only what is new.

    report = build_index(load_settings())
    print(report.summary())
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.index.chunking import ChunkerSettings, chunk_document
from rag.config import Settings
from rag.index.dense import DenseIndex, choose_kind
from rag.index.embedder import Embedder, SentenceTransformerEmbedder
from rag.errors import IndexMismatchError, IngestError
from rag.index.store import FORMAT_VERSION, Manifest, load_index, read_manifest, write_index
from rag.ingest import Document, load_documents
from rag.nlp import pipeline
from rag.index.annotations import SentenceNotes, passage_notes
from rag.index.sentences import SentenceSpan, embed_sentences, sentences_of
from rag.index.sparse import SparseIndex

log = logging.getLogger(__name__)


@dataclass
class IndexReport:
    """What a build did, for the CLI to print and tests to check."""

    index_dir: Path
    documents: int = 0
    passages: int = 0
    embedded: int = 0  # distinct passage texts embedded in this build
    reused: int = 0  # passages whose vectors came from the previous build (same text seen before)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.documents} issues, {self.passages} passages ({self.embedded} embedded, {self.reused} reused)"]
        for name, files in (("new", self.added), ("changed", self.changed), ("removed", self.removed)):
            if files:
                parts.append(f"{name}: {', '.join(files)}")
        return "; ".join(parts) + f" -> {self.index_dir}"


def chunker_settings(settings: Settings, embedder: Embedder) -> ChunkerSettings:
    return ChunkerSettings(
        target_tokens=min(settings.chunk_tokens, embedder.max_tokens),
        max_tokens=embedder.max_tokens,
        overlap_sentences=settings.chunk_overlap_sentences,
    )


def _document_record(document: Document) -> dict:
    meta = document.metadata
    return {
        "doc_id": document.doc_id,
        "path": str(document.path),
        "sha256": document.source_hash,
        "issue": meta.label,
        "series": meta.series,
        "number": meta.number,
        "date_start": meta.period_start.isoformat() if meta.period_start else None,
        "date_end": meta.period_end.isoformat() if meta.period_end else None,
        "published": meta.published.isoformat() if meta.published else None,
        "date_label": meta.date_label,
        "text": document.text,
        "sections": [{"title": s.title, "start": s.start, "end": s.end} for s in document.sections],
    }


def build_index(
    settings: Settings,
    paths: list[Path] | None = None,
    *,
    rebuild: bool = False,
    embedder: Embedder | None = None,
    progress: bool = True,
) -> IndexReport:
    """Index the newsletters under `paths` (default: the corpus folder) into settings.index_dir."""
    index_dir = settings.index_dir
    embedder = embedder or SentenceTransformerEmbedder(settings.embedding_model, batch_size=settings.embed_batch_size)
    sources = paths or [settings.corpus_dir]
    documents, warnings = load_documents(sources)
    if not documents:
        detail = "; ".join(warnings) if warnings else "no .txt, .md or .pdf files found"
        raise IngestError(f"No readable newsletter in {', '.join(map(str, sources))} ({detail}).")

    chunker = chunker_settings(settings, embedder)
    previous = None if rebuild else read_manifest(index_dir)
    if previous is not None and previous.format_version != FORMAT_VERSION:
        previous = None  # an index written by an older version is rebuilt whole
    if previous is not None and (previous.embedding_model != embedder.name or previous.chunker != chunker.as_dict()):
        raise IndexMismatchError(
            f"The index at {index_dir} was built with model {previous.embedding_model!r} and chunker "
            f"{previous.chunker}; the settings now say {embedder.name!r} and {chunker.as_dict()}. "
            "Run `rag index --rebuild` to rebuild it with the new settings."
        )
    cached: dict[str, np.ndarray] = {}
    cached_sentences: dict[str, np.ndarray] = {}
    cached_notes: dict[str, list[SentenceNotes]] = {}
    cached_spans: dict[str, list[SentenceSpan]] = {}
    if previous is not None:
        stored = load_index(index_dir)
        cached = {p.content_hash: stored.vectors[i] for i, p in enumerate(stored.passages)}
        empty = np.zeros((0, stored.vectors.shape[1]), np.float32)
        for passage, sentences in zip(stored.passages, stored.sentences):
            cached_spans[passage.content_hash] = [s.span for s in sentences]
            cached_sentences[passage.content_hash] = np.stack([s.vector for s in sentences]) if sentences else empty
            if previous.ner_model == settings.spacy_model:  # notes read by another pipeline are read again
                cached_notes[passage.content_hash] = [SentenceNotes(s.entities, s.subjects, s.has_verb) for s in sentences]

    report = IndexReport(index_dir=index_dir, documents=len(documents), warnings=warnings)
    old_sources = previous.sources if previous else {}
    for document in documents:
        if document.doc_id not in old_sources:
            report.added.append(document.doc_id)
        elif old_sources[document.doc_id]["sha256"] != document.source_hash:
            report.changed.append(document.doc_id)
    report.removed = sorted(set(old_sources) - {d.doc_id for d in documents})

    passages = [p for document in documents for p in chunk_document(document, chunker, embedder.count_tokens)]
    known = set(cached)
    new_texts = {p.content_hash: p.embedding_text for p in passages if p.content_hash not in known}  # each text once
    if new_texts:
        fresh = embedder.embed_documents(list(new_texts.values()), progress=progress)
        cached.update(zip(new_texts, fresh))
    vectors = np.stack([cached[p.content_hash] for p in passages]).astype(np.float32)
    spans_of = sentences_of(passages, cached=cached_spans)
    sentence_vectors = embed_sentences(passages, spans_of, embedder, cached=cached_sentences, progress=progress)
    nlp = pipeline(settings.spacy_model) if any(p.content_hash not in cached_notes for p in passages) else None
    sentence_notes = passage_notes(passages, spans_of, nlp, cached=cached_notes, progress=progress)
    report.passages, report.embedded = len(passages), len(new_texts)
    report.reused = sum(1 for p in passages if p.content_hash in known)

    kind = choose_kind(settings.ann, len(passages), settings.ann_threshold)
    manifest = Manifest(
        embedding_model=embedder.name,
        dimensions=int(vectors.shape[1]),
        chunker=chunker.as_dict(),
        dense_kind=kind,
        sources={d.doc_id: {"path": str(d.path), "sha256": d.source_hash, "issue": d.label} for d in documents},
        passages=len(passages),
        ner_model=settings.spacy_model,
    )
    write_index(
        index_dir,
        manifest=manifest,
        passages=passages,
        documents=[_document_record(d) for d in documents],
        vectors=vectors,
        dense=DenseIndex.build(vectors, kind),
        sparse=SparseIndex.build([p.embedding_text for p in passages]),
        sentence_spans=[spans_of[p.content_hash] for p in passages],
        sentence_vectors=sentence_vectors,
        sentence_notes=sentence_notes,
    )
    return report



