"""One newsletter issue as clean text with metadata and article sections."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rag.ingest.cleaning import Block, clean_blocks
from rag.ingest.metadata import IssueMetadata, extract_metadata
from rag.ingest.readers import UnreadableSource, discover_sources, read_source
from rag.ingest.sections import split_sections

log = logging.getLogger(__name__)
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Section:
    """An article of an issue: its title and character span in the cleaned text."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A cleaned newsletter issue. `text` is what passages' offsets point into."""

    path: Path
    source_hash: str  # sha256 of the file's bytes: what incremental indexing compares
    text: str
    metadata: IssueMetadata
    sections: tuple[Section, ...] = field(default_factory=tuple)
    # Spans of the issue's own contents list: kept in the text, but not worth retrieving,
    # since they name every article and state no fact.
    contents_spans: tuple[tuple[int, int], ...] = field(default_factory=tuple)

    @property
    def doc_id(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return self.metadata.label

    @property
    def period(self) -> tuple[date | None, date | None]:
        return self.metadata.period_start, self.metadata.period_end


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assemble(blocks: list[Block]) -> tuple[str, list[tuple[int, int]]]:
    spans: list[tuple[int, int]] = []
    parts: list[str] = []
    cursor = 0
    for block in blocks:
        spans.append((cursor, cursor + len(block.text)))
        parts.append(block.text)
        cursor += len(block.text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(parts), spans


def load_document(path: Path) -> Document:
    """Read, clean and split one newsletter file; raises UnreadableSource when it cannot."""
    return _load_with_note(path)[0]


def _load_with_note(path: Path) -> tuple[Document, str | None]:
    """The document, and a warning when its text was read in a guessed encoding (not UTF-8)."""
    source = read_source(path)
    note = f"{path} is not UTF-8; read it as {source.detected_encoding}" if source.detected_encoding else None
    blocks = clean_blocks(source.text)
    text, spans = _assemble(blocks)
    metadata = extract_metadata(text, path.stem)
    sections = tuple(
        Section(s.title, spans[s.first_block][0], spans[s.last_block - 1][1])
        for s in split_sections(blocks, front_title=metadata.label)
    )
    contents = tuple(span for span, block in zip(spans, blocks) if block.kind in ("contents", "contents_note"))
    document = Document(
        path=path, source_hash=file_hash(path), text=text, metadata=metadata, sections=sections, contents_spans=contents
    )
    return document, note


def load_documents(paths: list[Path]) -> tuple[list[Document], list[str]]:
    """Every readable newsletter under `paths`, and one warning per file skipped or read in a guessed encoding."""
    documents: list[Document] = []
    warnings: list[str] = []
    for path in discover_sources(paths):
        try:
            document, note = _load_with_note(path)
        except UnreadableSource as exc:
            warning = f"skipped {path}: {exc}"
            log.info(warning)  # the caller reports it (the CLI prints it once)
            warnings.append(warning)
            continue
        documents.append(document)
        if note:
            log.info(note)
            warnings.append(note)
    return documents, warnings
