"""Split an issue into its articles, so that every passage knows the title it belongs to.

The issue's own contents list is the best guide: each contents title is looked for in the
body and starts an article there. Where an issue has no contents list (or a title is not
found), headings found by cleaning start the articles instead. A heading with a dateline
under it ("4th December 2023, Bangkok, Thailand") starts a news item even where the
contents list leaves it out; otherwise its sentences would be cited under the article
before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.cleaning import Block, is_dateline

_NORMALISE = re.compile(r"[^a-z0-9]+")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+|^\s*\(\d{1,2}\)\s+", re.I)  # "1. ", "(2) "
_PREFIX = 40  # characters of a contents title that must match the start of a heading
NEWS_TITLE_WORDS = 30  # a line this long over a dateline is still a title (the longest in the corpus has 17 words)


@dataclass(frozen=True)
class Section:
    """An article: its title and its span of blocks [first, last)."""

    title: str
    first_block: int
    last_block: int


def _norm(text: str) -> str:
    return _NORMALISE.sub(" ", _NUMBERING.sub("", text).lower()).strip()


def _contents_titles(blocks: list[Block]) -> list[str]:
    """Titles listed in the issue's contents, skipping group labels without page numbers."""
    return [b.text for b in blocks if b.kind == "contents" and len(_norm(b.text)) >= 8]


def _match_at(blocks: list[Block], index: int, title: str) -> int:
    """How many blocks from `index` spell out `title` (0 when they do not)."""
    target = _norm(title)
    key = target[:_PREFIX]
    joined = ""
    for span in range(1, 4):
        if index + span > len(blocks) or blocks[index + span - 1].kind == "contents":
            return 0
        joined = (joined + " " + _norm(blocks[index + span - 1].text)).strip()
        if len(joined) > len(target) + 40:
            return 0
        if joined.startswith(key):
            return span
        if not target.startswith(joined):
            return 0
    return 0


def _locate_contents_titles(blocks: list[Block]) -> dict[int, tuple[str, int]]:
    """Block index -> (title, blocks it spans) for each contents title found in the body."""
    titles = _contents_titles(blocks)
    last_contents = max((i for i, b in enumerate(blocks) if b.kind == "contents"), default=-1)
    found: dict[int, tuple[str, int]] = {}
    cursor = last_contents + 1
    for title in titles:
        for index in range(cursor, len(blocks)):
            span = _match_at(blocks, index, title)
            # A title in the body is a heading, or at most a short line that starts with it.
            if span and (blocks[index].kind != "paragraph" or len(blocks[index].text) < len(title) + 60):
                found[index] = (title, span)
                cursor = index + span
                break
    return found


def split_sections(blocks: list[Block], *, front_title: str) -> list[Section]:
    """Articles covering every block in order; text before the first heading is `front_title`."""
    starts: dict[int, tuple[str, int]] = _locate_contents_titles(blocks)
    use_headings = len(starts) < 2
    in_contents = False
    for index, block in enumerate(blocks):
        if block.kind == "contents":
            in_contents = True
            continue
        covered = any(s <= index < s + span for s, (_, span) in starts.items())
        if covered:
            continue
        if block.kind == "heading" and (use_headings or not in_contents or _precedes_contents(blocks, index)) or _over_dateline(blocks, index):
            starts[index] = (block.text, 1)
    ordered = sorted(starts.items())
    sections: list[Section] = []
    if not ordered or ordered[0][0] > 0:
        sections.append(Section(front_title, 0, ordered[0][0] if ordered else len(blocks)))
    for position, (index, (title, _span)) in enumerate(ordered):
        end = ordered[position + 1][0] if position + 1 < len(ordered) else len(blocks)
        sections.append(Section(title, index, end))
    return _without_heading_only([s for s in sections if s.last_block > s.first_block], blocks)


def _without_heading_only(sections: list[Section], blocks: list[Block]) -> list[Section]:
    """A "section" of short lines alone is no article: a signature ("Kazunari Igarashi" / "Head of the
    ROCB A/P"), a "Contents" label or a caption joins the article before it (where it comes first,
    the article after it). Left alone, each became a passage of a few words that states nothing and takes top places
    for short questions ("What is the ROCB A/P?")."""
    merged: list[Section] = []
    for section in sections:
        if merged and not _has_body(merged[-1], blocks) and len(merged) == 1:
            merged[-1] = Section(section.title, merged[-1].first_block, section.last_block)
        elif merged and not _has_body(section, blocks):
            merged[-1] = Section(merged[-1].title, merged[-1].first_block, section.last_block)
        else:
            merged.append(section)
    return merged


def _has_body(section: Section, blocks: list[Block]) -> bool:
    return any(blocks[index].kind == "paragraph" for index in range(section.first_block, section.last_block))


def _precedes_contents(blocks: list[Block], index: int) -> bool:
    """A heading directly followed by contents lines ("Contents", "In this issue")."""
    return index + 1 < len(blocks) and blocks[index + 1].kind == "contents"


def _over_dateline(blocks: list[Block], index: int) -> bool:
    """A title-like line (no closing punctuation, at most `NEWS_TITLE_WORDS` words) directly
    followed by a dateline: a news item's title, even one too long for cleaning to call a heading."""
    block = blocks[index]
    if block.kind not in ("heading", "paragraph") or index + 1 >= len(blocks):
        return False
    titled = not block.text.rstrip().endswith((".", "!", "?", ":", ";")) and len(block.text.split()) <= NEWS_TITLE_WORDS
    return titled and blocks[index + 1].kind != "contents" and is_dateline(blocks[index + 1].text)
