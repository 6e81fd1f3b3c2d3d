"""Turn the model's reply and the ranked answer sentences into the answer the user sees.

The model is given the best sentence of each of the best passages and writes a short,
cited answer. Its reply is kept only where it stands on what it was given and agrees with
the sentence the finder judged best; otherwise the answer is that sentence itself, quoted
from the newsletter with its citation, which a small model cannot distort. Where two
issues give different figures for the same thing, the most recent issue answers and the
earlier figure is shown beside it, both cited. A question asking two things gets one
quoted sentence for each part it answers (`extractive_parts`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rag.answer_finder import Candidate
from rag.citations import CheckedAnswer, Citation, check_answer, key_terms, passage_terms
from rag.sentence_facts import figures
from rag.terms import content_terms

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
DISAGREEMENT_MARGIN = 0.05  # a second issue's sentence this close to the best may say the same thing
ECHO_WORDS = 2  # a reply adding fewer words than this to the question's only echoes it (or is too bare to check)
MIN_SHARED_TERMS = 0.5  # share of the shorter sentence's words two sentences about one thing share
MIN_GROUNDED_TERMS = 0.5  # share of a kept reply's own words (beyond the question's) its cited passages hold
_LIST_LABEL = re.compile(r"^\s*(?:[A-Za-z]|\d{1,2})[.)]\s+")


@dataclass(frozen=True)
class Composed:
    text: str
    citations: list[Citation]
    source: str  # "model": the model's checked words; "extract": the best sentence quoted


def _citation(number: int, candidate: Candidate) -> Citation:
    passage = candidate.passage
    return Citation(number, passage, candidate.text, passage.start + candidate.start, passage.start + candidate.end)


def _issue_date(candidate: Candidate) -> date:
    value = candidate.passage.date_end or candidate.passage.date_start
    return date.fromisoformat(value) if value else date.min


def find_disagreement(best: Candidate, others: list[Candidate]) -> Candidate | None:
    """A sentence from another issue, nearly as good, about the same thing, counting the same thing
    with another figure ("33 WCO Members" then "34 WCO Members"; not "20 countries" beside "in 2019")."""
    best_terms = set(content_terms(_NUMBER.sub(" ", best.text)))
    best_figures = figures(best.text)
    for other in others:
        if other.passage.issue == best.passage.issue or best.score - other.score > DISAGREEMENT_MARGIN:
            continue
        other_terms = set(content_terms(_NUMBER.sub(" ", other.text)))
        shared = len(best_terms & other_terms) / max(1, min(len(best_terms), len(other_terms)))
        other_figures = figures(other.text)
        counted_both = best_figures.keys() & other_figures.keys()
        if shared >= MIN_SHARED_TERMS and counted_both and all(best_figures[t] != other_figures[t] for t in counted_both):
            return other
    return None


def extractive(offered: list[Candidate], also: Candidate | None = None) -> Composed:
    """The best sentence quoted, with `also` (a second sentence of its passage) in reading order,
    each with its own citation; or, where an earlier issue gives a differing figure, both
    issues' sentences."""
    best = offered[0]
    rival = find_disagreement(best, offered[1:])
    if rival is None:
        if also is None:
            return Composed(f"{_quoted(best.text)} [1]", [_citation(1, best)], "extract")
        first, second = sorted((best, also), key=lambda c: c.start)
        text = f"{_quoted(first.text)} [1] {_quoted(second.text)} [2]"
        return Composed(text, [_citation(1, first), _citation(2, second)], "extract")
    newer, older = sorted((best, rival), key=_issue_date, reverse=True)
    text = (
        f"{_quoted(newer.text)} [1] An earlier issue, {older.passage.issue} ({older.passage.date_label}), "
        f"gave a different figure: {_quoted(older.text)} [2]"
    )
    return Composed(text, [_citation(1, newer), _citation(2, older)], "extract")


def extractive_parts(parts: list[tuple[str, Candidate | None]], unanswered: Callable[[str], str]) -> Composed:
    """One quoted sentence per part of the question, in the order asked, each with its citation (a
    sentence answering both parts is quoted once); for a part nothing answers, `unanswered(part)`."""
    pieces: list[str] = []
    citations: list[Citation] = []
    numbers: dict[tuple[str, int], int] = {}
    for asked, best in parts:
        if best is None:
            pieces.append(unanswered(asked))
            continue
        where = (best.passage.id, best.start)
        if where not in numbers:
            numbers[where] = len(citations) + 1
            citations.append(_citation(numbers[where], best))
            pieces.append(f"{_quoted(best.text)} [{numbers[where]}]")
    return Composed(" ".join(pieces), citations, "extract")


def _quoted(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if sentence[-1:] in ".!?" else sentence + "."


def agrees(checked: CheckedAnswer, best: Candidate, question: str = "") -> bool:
    """The model's answer names only what the best sentence (or its passage) holds, says
    something the question did not ("it introduced a new chapter" answers nothing), says it in
    the passages' words more than its own ("a new unit responsible for the customs value of
    goods" is the model's gloss, not the newsletter's), says it once (a small model can loop:
    "A. Ms. Debbie Seguin. B. Ms. Debbie Seguin. ..."), and ends (a reply stopping at "the
    following countries:" gives nothing)."""
    if not checked.supported:
        return False
    text = re.sub(r"\[\d+\]", "", checked.text)
    if text.rstrip(" .").endswith(":"):
        return False  # "... in the following countries:" promises a list it does not give
    strong, _other = key_terms(text)
    own_words = set(content_terms(text)) - set(content_terms(question))
    if not strong or len(own_words) < ECHO_WORDS:
        return False
    cited_words = set(content_terms(" ".join(c.passage.text for c in checked.citations)))
    if len(own_words & cited_words) < MIN_GROUNDED_TERMS * len(own_words) or _repeats_itself(text):
        return False
    return strong <= passage_terms(best.passage.text) and any(c.passage.id == best.passage.id for c in checked.citations)


def _repeats_itself(text: str) -> bool:
    sentences = [_LIST_LABEL.sub("", s).strip(" .").lower() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip(" .")]
    return len(set(sentences)) < len(sentences)


def compose(raw: str, offered: list[Candidate], *, question: str, threshold: float, also: Candidate | None = None) -> Composed:
    """The checked model answer where it agrees with the best sentence; else the sentence itself
    (with `also`, the next-best sentence of its passage, when there is one)."""
    passages = [c.passage for c in offered]
    checked = check_answer(raw, passages, question=question, threshold=threshold)
    if agrees(checked, offered[0], question) and find_disagreement(offered[0], offered[1:]) is None:
        return Composed(checked.text, checked.citations, "model")
    return extractive(offered, also)
