"""Read a newsletter file into raw text: .txt and .md as UTF-8 (or a detected encoding), .pdf through pypdf.

A .txt or .md file that is not UTF-8 is decoded in the encoding charset-normalizer
detects, and `SourceText.detected_encoding` names it so the caller can warn.
Anything that cannot be read as a newsletter raises `UnreadableSource` with the reason,
so the caller can skip that file with a warning and index the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")
MIN_TEXT_CHARS = 200  # less than this is not an issue worth indexing
TIED_MESS = 0.005  # charset-normalizer ranks encodings this close in mess by coherence


class UnreadableSource(Exception):
    """One source file cannot be used; the message says why."""


@dataclass(frozen=True)
class SourceText:
    """A file's raw text, and the encoding it was decoded from when that was a guess.

    A detected encoding can be wrong (single-byte code pages often all decode the same
    bytes), so the caller warns naming it: the user can check the text or save it as UTF-8.
    """

    text: str
    detected_encoding: str | None = None  # None: UTF-8 or PDF, nothing to warn about


def _detect_encoding(data: bytes) -> tuple[str, str]:
    """The encoding and text of bytes that are not UTF-8, as charset-normalizer reads them.

    Code pages that decode the bytes with as little mess are a tie the detector breaks by
    coherence, and it can read English cp1252 as mac_latin2 ("café" as "cafť"); newsletters
    are mostly Western European text, so a tie that cp1252 or latin-1 is part of goes to
    cp1252, which is latin-1 plus the Windows punctuation (en dash, curly quotes).
    """
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise UnreadableSource("it is not UTF-8 and no encoding decodes it with confidence; save it as UTF-8")
    tied = {
        name
        for match in matches
        if match.chaos - best.chaos < TIED_MESS  # the detector's own window for "as little mess"
        for name in match.could_be_from_charset
    }
    if tied & {"cp1252", "latin_1"}:
        try:
            return "cp1252", data.decode("cp1252")
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
            if "latin_1" in tied:
                return "latin_1", data.decode("latin_1")
    return best.encoding, str(best)


def _read_text_file(path: Path) -> SourceText:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise UnreadableSource("it looks binary (NUL bytes), not text")
    try:
        return SourceText(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        encoding, text = _detect_encoding(data)
        return SourceText(text, detected_encoding=encoding)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableSource(f"it is not a readable PDF ({exc})") from exc
    return "\n\n".join(pages)


def read_source(path: Path) -> SourceText:
    """The raw text of one newsletter file, with the encoding it was guessed to be in, if any."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableSource(f"unsupported file type {suffix or '(none)'}; expected {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        source = SourceText(_read_pdf(path)) if suffix == ".pdf" else _read_text_file(path)
    except OSError as exc:
        raise UnreadableSource(f"it cannot be read ({exc.strerror or exc})") from exc
    if len(source.text.strip()) < MIN_TEXT_CHARS:
        raise UnreadableSource("it holds no text" if not source.text.strip() else "it holds almost no text")
    return source


def discover_sources(paths: list[Path]) -> list[Path]:
    """Newsletter files named directly or found (recursively) in the given folders, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() != "readme.md")
        else:
            found.append(path)
    return sorted(set(found))
