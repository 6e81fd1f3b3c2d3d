"""Build or update the index from newsletter files: ingest, chunk, embed only what is new.

    report = build_index(load_settings())
    print(report.summary())
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from rag.index.chunking import ChunkerSettings, chunk_document
from rag.index.passages import Passage
from rag.config import Settings
from rag.index.dense import DenseIndex, choose_kind
from rag.index.embedder import Embedder, make_embedder
from rag.errors import IndexMismatchError, IngestError
from rag.index.store import FORMAT_VERSION, Manifest, load_index, read_manifest, write_index
from rag.ingest import Document, load_documents
from rag.index.annotations import SentenceNotes, new_sentences, passage_notes
from rag.index.parser_process import ParserProcess
from rag.index.sentences import SentenceSpan, embed_passages, sentences_of
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


def _read_and_embed(
    documents: list[Document],
    settings: Settings,
    chunker: ChunkerSettings,
    embedder: Embedder,
    *,
    cached: dict[str, tuple[np.ndarray, np.ndarray]],
    cached_spans: dict[str, list[SentenceSpan]],
    cached_notes: dict[str, list[SentenceNotes]],
    progress: bool,
) -> tuple[list[Passage], dict[str, list[SentenceSpan]], np.ndarray, list[np.ndarray], list[list[SentenceNotes]]]:
    """Every document's passages, their sentences, vectors and spaCy's notes, as a pipeline.

    Issue by issue: while this thread cuts the next issue into passages (pysbd, pure Python),
    a thread embeds the last one's passages (onnxruntime, which releases the GIL) and a
    process of its own parses its new sentences (spaCy, whose Python would otherwise wait on
    this thread's GIL), so both cores work from the first issue on (docs/decisions.md).
    A sentence is parsed once however many passages or issues print it.
    """
    embedder.count_tokens("")  # loads the tokenizers now, so the embedding thread and this one never both load them
    passages: list[Passage] = []
    spans_of: dict[str, list[SentenceSpan]] = dict(cached_spans)
    vectors: list[np.ndarray] = []
    sentence_vectors: list[np.ndarray] = []
    sent: set[str] = set()  # sentences already given to the parser

    def embed(issue: list[Passage], spans: dict[str, list[SentenceSpan]]) -> tuple[np.ndarray, list[np.ndarray]]:
        found = embed_passages(issue, spans, embedder, cached=cached)
        cached.update((p.content_hash, (v, s)) for p, v, s in zip(issue, *found))  # a text printed again is not embedded again
        return found

    embedding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
    parser = ParserProcess(settings.spacy_model)  # started with the first new sentence
    try:
        vector_jobs = []
        for document in documents:  # each worker takes the issues one at a time, in order
            issue = chunk_document(document, chunker, embedder.count_tokens)
            spans_of = sentences_of(issue, cached=spans_of)
            passages.extend(issue)
            vector_jobs.append(embedding.submit(embed, issue, spans_of))
            texts = [text for text in new_sentences(issue, spans_of, cached_notes) if text not in sent]
            sent.update(texts)
            parser.submit(texts)
        for job in tqdm(vector_jobs, desc="embedding", unit="issue", disable=not progress or len(vector_jobs) < 2):
            issue_vectors, issue_sentence_vectors = job.result()
            vectors.append(issue_vectors)
            sentence_vectors.extend(issue_sentence_vectors)
        by_text = parser.results()
    finally:  # on an error, what is still queued is dropped rather than waited for
        embedding.shutdown(cancel_futures=True)
        parser.close()
    notes = passage_notes(passages, spans_of, by_text, cached=cached_notes)
    return passages, spans_of, np.concatenate(vectors), sentence_vectors, notes


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
    embedder = embedder or make_embedder(
        settings.embedding_model,
        settings.embedding_backend,
        cache_dir=settings.model_cache_dir,
        batch_size=settings.embed_batch_size,
        threads=settings.threads,
        spin=False,  # spaCy parses on the other core meanwhile (below)
    )
    sources = paths or [settings.corpus_dir]
    documents, warnings = load_documents(sources)
    if not documents:
        detail = "; ".join(warnings) if warnings else "no .txt, .md or .pdf files found"
        raise IngestError(f"No readable newsletter in {', '.join(map(str, sources))} ({detail}).")

    chunker = chunker_settings(settings, embedder)
    previous = None if rebuild else read_manifest(index_dir)
    if previous is not None and previous.format_version != FORMAT_VERSION:
        previous = None  # an index written by an older version is rebuilt whole
    if previous is not None and (
        (previous.embedding_model, previous.embedding_backend) != (embedder.name, embedder.backend)
        or previous.chunker != chunker.as_dict()
    ):
        raise IndexMismatchError(
            f"The index at {index_dir} was built with model {previous.embedding_model!r} ({previous.embedding_backend}) "
            f"and chunker {previous.chunker}; the settings now say {embedder.name!r} ({embedder.backend}) and "
            f"{chunker.as_dict()}. "
            "Run `rag index --rebuild` to rebuild it with the new settings."
        )
    cached: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # content hash -> passage vector, sentence vectors
    cached_notes: dict[str, list[SentenceNotes]] = {}
    cached_spans: dict[str, list[SentenceSpan]] = {}
    if previous is not None:
        stored = load_index(index_dir)
        empty = np.zeros((0, stored.vectors.shape[1]), np.float32)
        for row, (passage, sentences) in enumerate(zip(stored.passages, stored.sentences)):
            cached_spans[passage.content_hash] = [s.span for s in sentences]
            cached[passage.content_hash] = (stored.vectors[row], np.stack([s.vector for s in sentences]) if sentences else empty)
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

    known = set(cached)
    passages, spans_of, vectors, sentence_vectors, sentence_notes = _read_and_embed(
        documents, settings, chunker, embedder, cached=cached, cached_spans=cached_spans, cached_notes=cached_notes, progress=progress
    )
    report.passages, report.embedded = len(passages), len({p.content_hash for p in passages} - known)
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
        embedding_backend=embedder.backend,
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



