"""Repair what PDF extraction leaves behind, turning raw lines into clean blocks.

A block is a heading, a paragraph or a contents line. The cleaned text of a document is
its blocks joined by blank lines, so each block has exact character offsets in it.

What is repaired (see data/newsletters/README.md): hard-wrapped lines joined into
paragraphs, whitespace-only lines and runs of blank lines dropped, double-spaced files
read as single-spaced, words hyphenated across lines rejoined (keeping real hyphens such
as Asia-Pacific or E-Newsletter), lone page numbers and contents page references dropped,
Markdown emphasis and links stripped while `#` headings stay headings.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

# "contents_note": a line inside the contents list without a page number (a group label such
# as "Workshops and Meetings", or a title wrapped past its page number).
BlockKind = Literal["heading", "paragraph", "contents", "contents_note"]

_TERMINAL = tuple('.!?:;"”’)')
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_LIST_ITEM = re.compile(r"^(?:[-*•▪●◦–]\s+|\d{1,2}[.)]\s+|\(\d{1,2}\)\s+|[a-z][.)]\s+)")
_PAGE_NUMBER = re.compile(r"^(?:[-–—]?\s*(?:page|p\.)?\s*\d{1,3}\s*[-–—]?|\d{1,3}\s*/\s*\d{1,3})$", re.I)
_CONTENTS_REF = re.compile(r"^(?P<title>.*?\S)\s*(?:\t+|\.{3,}|…+|\s{2,})\s*(?:P\.?\s*)?(?P<page>\d{1,3})$")
_MD_PAGE_REF = re.compile(r"\s*\bP\.\s?\d{1,3}\s*$")
_ORDINAL_GAP = re.compile(r"\b(\d+) (st|nd|rd|th)\b")
_ACRONYM_HYPHEN_GAP = re.compile(r"\b([A-Z]{1,2})- (?=[A-Z])")
_WORD = re.compile(r"[A-Za-z]+")
_MONTH_NAME = rf"(?:{'|'.join(calendar.month_name[1:])})"
# A date broken over two lines: "from 19th to 20th" / "December 2023 ...", "on 10 December" / "2023 ..."
_ENDS_WITH_DAY = re.compile(r"(?:\b\d{1,2}(?:st|nd|rd|th)|\b(?:on|from|to|and|of|[-–])\s*\d{1,2})\Z")
_ENDS_WITH_MONTH = re.compile(rf"\b{_MONTH_NAME}\Z")
_DATELINE = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?\s*(?:[-–]\s*\d{1,2}(?:st|nd|rd|th)?\s*)?[A-Z][a-z]+\.?\s*\d{0,4}")
_TRAILING_FUNCTION_WORDS = frozenset(
    "a an and as at by for from in into its of on or our the their to with such its".split()
)


WRAPPED_HEADING_MIN_CHARS = 40  # a title this long may have wrapped onto a second line


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # Markdown heading level; 0 where the text had no markup


@dataclass
class _Line:
    text: str
    gap: int  # blank lines before it
    md_heading: int = 0
    contents: bool = False


def looks_like_markdown(raw: str) -> bool:
    """True when the extraction kept Markdown markup (`#` headings, bold, links)."""
    headings = len(re.findall(r"^#{1,6} ", raw, re.M))
    emphasis = len(re.findall(r"\*\*\S", raw))
    return headings >= 2 or emphasis >= 5


def _strip_markdown(line: str) -> str:
    line = _MD_LINK.sub(r"\1", line)
    line = line.replace("\\_", "_").replace("\\*", "*").replace("\\", "")
    for _ in range(3):
        line = _MD_EMPHASIS.sub(r"\2", line)
    return line.replace("***", "").replace("**", "").strip()


def _normalise_line(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", line).rstrip()


def _read_lines(raw: str, markdown: bool) -> list[_Line]:
    lines: list[_Line] = []
    gap = 0
    for original in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        text = _normalise_line(original)
        if not text.strip() or not re.search(r"[\w]", text):
            gap += 1
            continue
        level = 0
        if markdown:
            heading = _MD_HEADING.match(text.strip())
            if heading:
                level, text = len(heading.group(1)), heading.group(2)
            text = _strip_markdown(text)
            if not text:
                gap += 1
                continue
        text, is_contents = _drop_page_reference(text)
        if not text or _PAGE_NUMBER.match(text.strip()):
            gap += 1
            continue
        lines.append(_Line(text=text.strip() if level else text.rstrip(), gap=gap, md_heading=level, contents=is_contents))
        gap = 0
    return lines


def _drop_page_reference(text: str) -> tuple[str, bool]:
    """Strip a contents line's trailing page number; report whether it was one."""
    match = _CONTENTS_REF.match(text.strip())
    if match and re.search(r"[A-Za-z]", match.group("title")):
        return _LIST_ITEM.sub("", match.group("title").replace("\t", " ").strip()).strip(), True
    stripped = _MD_PAGE_REF.sub("", text)
    if stripped != text and re.search(r"[A-Za-z]", stripped):
        return _LIST_ITEM.sub("", stripped.strip()).strip(), True
    return text.replace("\t", " "), False


def _is_double_spaced(lines: list[_Line]) -> bool:
    """Most lines separated by exactly one blank line: blank lines then carry no meaning."""
    if len(lines) < 20:
        return False
    singles = sum(1 for line in lines[1:] if line.gap == 1)
    return singles / (len(lines) - 1) > 0.6


def _wrap_width(lines: list[_Line]) -> int | None:
    """The column a hard-wrapped file breaks at, or None when lines are whole paragraphs."""
    lengths = sorted(len(line.text) for line in lines if len(line.text) > 20)
    if len(lengths) < 20:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    if width > 160:
        return None
    near = sum(1 for n in lengths if n >= 0.8 * width)
    return width if near / len(lengths) > 0.3 else None


def _starts_list_item(text: str) -> bool:
    return bool(_LIST_ITEM.match(text.lstrip()))


def _vocabulary(lines: list[_Line]) -> Counter[str]:
    return Counter(word.lower() for line in lines for word in _WORD.findall(line.text))


def _join_hyphenated(left: str, right: str, vocabulary: Counter[str]) -> str:
    """Rejoin a word split by a line-end hyphen; keep the hyphen where it is a real one."""
    head = _WORD.findall(left)[-1] if _WORD.findall(left) else ""
    tail_match = _WORD.match(right)
    tail = tail_match.group(0) if tail_match else ""
    if tail and tail[0].islower() and vocabulary[(head + tail).lower()] > 0 and vocabulary[(head + "-" + tail).lower()] == 0:
        return left[:-1] + right  # organi- / zation -> organization
    return left + right  # E- / Newsletter -> E-Newsletter; in- / person -> in-person


def _continues(previous: _Line, line: _Line, gap: int, width: int | None) -> bool:
    """Whether `line` carries on the paragraph that `previous` ends."""
    if line.md_heading or previous.md_heading or line.contents or previous.contents:
        return False
    prev, text = previous.text.rstrip(), line.text.lstrip()
    if _starts_list_item(text) and not _breaks_date(prev, text):  # "– 9 February 2022" after "on 8" is no list item
        return False
    mid_sentence = not prev.endswith(_TERMINAL) and (text[:1].islower() or text[:1] in "(&," or _breaks_date(prev, text) or _cut_by_page(prev, text))
    if re.search(r"[A-Za-z]-$", prev) and text[:1].isalpha():
        return gap <= 3
    if mid_sentence:
        return gap <= 3
    if gap > 0:
        return False
    if width is not None:
        return len(prev) >= 0.7 * width and not prev.endswith(":")
    return False


CUT_SENTENCE_MIN_WORDS = 20  # a line this long without closing punctuation is no title: its sentence goes on


def _cut_by_page(prev: str, text: str) -> bool:
    """Is `prev` a sentence a page break cut ("... such as WCO Regional" / "Training Centers and ...")?
    Titles are short, so a long line ending in a word goes on in the next, unless that is a dateline."""
    ends_in_word = prev[-1:].isascii() and prev[-1:].isalnum()  # not a footnote mark ("languages.⁸")
    return len(prev.split()) >= CUT_SENTENCE_MIN_WORDS and ends_in_word and not _is_footnote(text) and not is_dateline(text)


def _breaks_date(prev: str, text: str) -> bool:
    """Does a date run on from the end of `prev` into `text` ("20th" then "December 2023 in a hybrid form",
    "on 8" then "– 9 February 2022")?"""
    if _ENDS_WITH_DAY.search(prev):
        return re.match(rf"(?:[-–—]\s*\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH_NAME}\b", text) is not None
    if _ENDS_WITH_MONTH.search(prev):
        return re.match(r"(?:19|20)\d\d\b", text) is not None
    return False


_FOOTNOTE_MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _is_footnote(text: str) -> bool:
    """"⁵ <https://sdgs.un.org/2030agenda>": a footnote, set at the foot of the page mid-sentence."""
    return text.lstrip()[:1] in _FOOTNOTE_MARKS


def _merge_lines(lines: list[_Line]) -> list[list[_Line]]:
    double = _is_double_spaced(lines)
    width = _wrap_width(lines)
    groups: list[list[_Line]] = []
    interrupted: list[_Line] | None = None  # a paragraph that footnotes cut mid-sentence
    for line in lines:
        gap = max(0, line.gap - 1) if double else line.gap
        if interrupted is not None and not _is_footnote(line.text):
            if not interrupted[-1].text.rstrip().endswith(_TERMINAL) and line.text.lstrip()[:1].islower():
                interrupted.append(line)  # "... launched in 2014" / footnotes / "and was first updated in 2019."
                interrupted = None
                continue
            interrupted = None
        if _is_footnote(line.text) and groups and not _is_footnote(groups[-1][0].text):
            interrupted = groups[-1]
        if groups and not _is_footnote(line.text) and _continues(groups[-1][-1], line, gap, width):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _group_text(group: list[_Line], vocabulary: Counter[str]) -> str:
    text = group[0].text.strip()
    for line in group[1:]:
        nxt = line.text.strip()
        if re.search(r"[A-Za-z]-$", text) and nxt[:1].isalpha():
            text = _join_hyphenated(text, nxt, vocabulary)
        else:
            text = f"{text} {nxt}"
    text = _ACRONYM_HYPHEN_GAP.sub(r"\1-", text)
    text = _ORDINAL_GAP.sub(r"\1\2", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


_NEWS_DATELINE = re.compile(rf"^\d{{1,2}}(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+{_MONTH_NAME}\b")


def is_dateline(text: str) -> bool:
    """"4th December 2023, Bangkok, Thailand", "28 March - 1 April 2022": the line under a news item's title."""
    return len(text) <= 80 and bool(_NEWS_DATELINE.match(text))


def is_heading_like(text: str) -> bool:
    """A short line that reads as a title: no closing punctuation, mostly capitalised words."""
    words = text.split()
    if not words or len(words) > 16 or len(text) > 140 or _starts_list_item(text):
        return False
    if text.rstrip().endswith((".", ",", ";", ":", "!")) or text[:1].islower():
        return False
    if re.match(r"^(by|dear|kind regards|tel|fax|e-?mail|url|source|photo|reference|mr|ms|mrs|dr)\b", text, re.I):
        return False
    if "," in text or re.search(r"\((?:Mr|Ms|Mrs|Dr)\.?\)$", text) or _DATELINE.match(text):
        return False  # bylines, signatures, "8-9 February 2022, Online"
    if words[-1].lower() in _TRAILING_FUNCTION_WORDS:
        return False  # a hard-wrapped sentence cut mid-phrase, not a title
    if text.isupper() and len(words) > 6:
        return False
    letters = [w for w in _WORD.findall(text) if len(w) > 3]
    if not letters:
        return False
    capitalised = sum(1 for w in letters if w[0].isupper())
    return capitalised / len(letters) >= 0.5


def clean_blocks(raw: str) -> list[Block]:
    """Turn one extracted newsletter into clean heading, paragraph and contents blocks."""
    markdown = looks_like_markdown(raw)
    lines = _read_lines(raw, markdown)
    vocabulary = _vocabulary(lines)
    blocks: list[Block] = []
    for group in _merge_lines(lines):
        text = _group_text(group, vocabulary)
        if not text or _PAGE_NUMBER.match(text):
            continue
        first = group[0]
        if first.md_heading:
            blocks.append(Block("heading", text, first.md_heading))
        elif first.contents:
            blocks.append(Block("contents", text))
        elif len(group) == 1 and not markdown and is_heading_like(text):
            blocks.append(Block("heading", text))
        else:
            blocks.append(Block("paragraph", text))
    return _mark_contents_notes(_merge_wrapped_headings(blocks))


def _mark_contents_notes(blocks: list[Block]) -> list[Block]:
    """Short lines lying between contents entries belong to the contents list, not the body."""
    marked = list(blocks)
    for i, block in enumerate(blocks):
        if block.kind == "contents" or len(block.text.split()) > 8:
            continue
        before = any(b.kind == "contents" for b in blocks[max(0, i - 2) : i])
        after = any(b.kind == "contents" for b in blocks[i + 1 : i + 3])
        if before and after:
            marked[i] = Block("contents_note", block.text)
    return marked


def _merge_wrapped_headings(blocks: list[Block]) -> list[Block]:
    """Rejoin a title wrapped onto a second short line ("... Enhances Training" / "Professionalism")."""
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == "heading"
            and block.kind == "heading"
            and not previous.level
            and len(previous.text) >= WRAPPED_HEADING_MIN_CHARS
            and len(block.text.split()) <= 3
            and not re.search(r"\d", block.text)
            and not previous.text.endswith((")", "!", "?"))
        ):
            merged[-1] = Block("heading", f"{previous.text} {block.text}")
        else:
            merged.append(block)
    return merged
