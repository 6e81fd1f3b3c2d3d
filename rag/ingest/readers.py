"""Read a newsletter file into raw text: .txt and .md as UTF-8, .pdf through pypdf.

Anything that cannot be read as a newsletter raises `UnreadableSource` with the reason,
so the caller can skip that file with a warning and index the rest.
"""

from __future__ import annotations

from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")
MIN_TEXT_CHARS = 200  # less than this is not an issue worth indexing


class UnreadableSource(Exception):
    """One source file cannot be used; the message says why."""


def _read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise UnreadableSource("it looks binary (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableSource(f"it is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableSource(f"it is not a readable PDF ({exc})") from exc
    return "\n\n".join(pages)


def read_source(path: Path) -> str:
    """The raw text of one newsletter file."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableSource(f"unsupported file type {suffix or '(none)'}; expected {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        text = _read_pdf(path) if suffix == ".pdf" else _read_text_file(path)
    except OSError as exc:
        raise UnreadableSource(f"it cannot be read ({exc.strerror or exc})") from exc
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise UnreadableSource("it holds no text" if not text.strip() else "it holds almost no text")
    return text


def discover_sources(paths: list[Path]) -> list[Path]:
    """Newsletter files named directly or found (recursively) in the given folders, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() != "readme.md")
        else:
            found.append(path)
    return sorted(set(found))
