"""Check every claim of a generated answer against the passages it was given.

Small models cite the wrong passage, cite none, or invent a figure. So each answer
sentence is tested against passages by what a reader would check: are its names,
numbers and dates in the passage, and do most of its content words appear there?
Markers pointing at no given passage are dropped, a cited passage that does not support
its sentence is replaced by one that does (or removed), a sentence without a marker gets
the passage that best supports it, and a sentence nothing supports is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.index.chunking import sentence_spans
from rag.index.passages import Passage
from rag.terms import normalise_number
from rag.words import FUNCTION_WORDS

MARKER = re.compile(r"\s*\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
SUPPORT_THRESHOLD = 0.6  # share of a sentence's key terms a passage must contain
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*\d|\d")
_STOP = FUNCTION_WORDS | {"yes", "one", "two", "three", "passage", "passages", "said", "says", "say"}


@dataclass(frozen=True)
class Citation:
    """One source behind the answer: the passage and the sentence in it that supports the claim."""

    number: int  # the [n] shown in the answer text
    passage: Passage
    quote: str
    quote_start: int  # offsets of the quote in the cleaned text
    quote_end: int


@dataclass(frozen=True)
class CheckedAnswer:
    text: str  # with markers renumbered to the citations list
    citations: list[Citation]
    supported: bool  # at least one sentence stands on a passage
    dropped_sentences: list[str]


def key_terms(sentence: str) -> tuple[set[str], set[str]]:
    """(names, numbers and dates; other content words), lower-cased."""
    strong: set[str] = set()
    other: set[str] = set()
    for index, token in enumerate(_TOKEN.findall(sentence)):
        lowered = token.lower()
        if token[0].isdigit():
            strong.add(normalise_number(token))
        elif lowered in _STOP or len(lowered) < 3:
            continue
        elif token[0].isupper() and index > 0 or token.isupper() and len(token) > 1:
            strong.add(lowered)
        else:
            other.add(lowered)
    return strong, other


def passage_terms(text: str) -> set[str]:
    """Every word and number of a text, as `key_terms` normalises them."""
    return {(normalise_number(t) if t[0].isdigit() else t.lower()) for t in _TOKEN.findall(text)}


def support(sentence: str, passage_text: str, question: str = "") -> float:
    """How well a passage backs a sentence: every name, number and date must be there.

    Terms the question already holds prove nothing, so a sentence that only restates the
    question has no support at all.
    """
    strong, other = key_terms(sentence)
    asked = passage_terms(question)
    if not (strong - asked) and len(other - asked) < 2:
        return 0.0  # restates the question, or a fragment ("Likewise,") that claims nothing
    terms = passage_terms(passage_text)
    if strong:
        strong_share = len(strong & terms) / len(strong)
        if strong_share < 1.0:
            return strong_share * 0.5  # a name or figure the passage lacks: not supported
        return 0.6 + 0.4 * (len(other & terms) / len(other) if other else 1.0)
    return len(other & terms) / len(other) if other else 0.0


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text.strip(), 0)]


def best_quote(sentence: str, passage: Passage) -> tuple[str, int, int]:
    """The passage sentence that shares most key terms with the claim, with its offsets."""
    strong, other = key_terms(sentence)
    wanted = strong | other
    best, best_score = (0, len(passage.text)), -1.0
    for begin, end in sentence_spans(passage.text, 0):
        terms = passage_terms(passage.text[begin:end])
        score = len(wanted & terms) + 0.5 * len(strong & terms)
        if score > best_score:
            best, best_score = (begin, end), score
    begin, end = best
    quote = passage.text[begin:end]
    return quote, passage.start + begin, passage.start + end


_ECHOED_HEADER = re.compile(r"^\s*\[\d{1,2}\][^\n]*\(.*\)\s+—[^\n]*$", re.M)  # "[4] Issue (date) — Title"
_LEADING_LABEL = re.compile(r"^\s*(?:answer|passage|response)\s*:\s*", re.I | re.M)


def strip_echoes(raw: str) -> str:
    """Remove passage headers and "Answer:" labels a small model copies into its answer."""
    return _LEADING_LABEL.sub("", _ECHOED_HEADER.sub("", raw)).strip()


def check_answer(raw: str, passages: list[Passage], *, question: str = "", threshold: float = SUPPORT_THRESHOLD) -> CheckedAnswer:
    """Verify and repair the citations of a raw model answer against the numbered passages."""
    kept: list[tuple[str, list[int]]] = []
    dropped: list[str] = []
    for sentence in _sentences(strip_echoes(raw)):
        cited = [int(n) for group in MARKER.findall(sentence) for n in re.split(r"\s*,\s*", group)]
        claim = MARKER.sub("", sentence).strip()
        if not re.search(r"[A-Za-z0-9]", claim):
            continue
        valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(passages)]
        backing = [n for n in valid if support(claim, passages[n - 1].text, question) >= threshold]
        if not backing:
            scores = [(support(claim, p.text, question), i + 1) for i, p in enumerate(passages)]
            score, number = max(scores, default=(0.0, 0))
            backing = [number] if score >= threshold else []
        if backing:
            kept.append((claim, backing))
        else:
            dropped.append(claim)

    numbering: dict[int, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for claim, backing in kept:
        shown = []
        for original in backing:
            if original not in numbering:
                numbering[original] = len(numbering) + 1
                passage = passages[original - 1]
                quote, start, end = best_quote(claim, passage)
                citations.append(Citation(numbering[original], passage, quote, start, end))
            shown.append(numbering[original])
        claim = claim.rstrip()
        body, stop = (claim[:-1], claim[-1]) if claim[-1:] in ".!?" else (claim, ".")
        parts.append(body.rstrip() + "".join(f" [{n}]" for n in shown) + stop)
    return CheckedAnswer(" ".join(parts), citations, bool(kept), dropped)
