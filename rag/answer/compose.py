"""The answer a reader sees: the short answer first, then the sentence it came from, quoted and cited.

    Kashiwa, Japan [1]

    “The 21st RTC Heads meeting was held in Kashiwa, Japan, on ...” [1]

Where a model has written a sentence from that evidence, it stands between the two, but
only if it passes the citation check (its names and figures are in the cited passage) and
says the short answer; otherwise it is dropped and the quote speaks alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.citations import Citation, check_answer
from rag.answer.reader import Reading


@dataclass(frozen=True)
class Composed:
    text: str
    short_answer: str
    citations: list[Citation]
    source: str  # "extract": the reader's span and quote; "model": with the model's checked sentence


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _quoted(sentence: str) -> str:
    sentence = _squeeze(sentence)
    return f"“{sentence if sentence[-1:] in '.!?' else sentence + '.'}”"


def _plain(text: str) -> str:
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def extracted(reading: Reading) -> Composed:
    """The short answer, then the quoted sentence (and its companion, in reading order), each cited."""
    best = reading.best
    assert best is not None
    quoted = sorted([c for c in (best, reading.companion) if c is not None], key=lambda c: c.start)
    citations = [
        Citation(number, c.passage, c.text, c.passage.start + c.start, c.passage.start + c.end) for number, c in enumerate(quoted, 1)
    ]
    quotes = " ".join(f"{_quoted(c.text)} [{number}]" for number, c in enumerate(quoted, 1))
    span, source = reading.short_answer, reading.short_from or best
    if span is None or span.kind == "sentence" and len(quoted) == 1:
        return Composed(quotes, _squeeze(source.text), citations, "extract")
    short = _squeeze(span.text)
    number = next(n for n, c in enumerate(quoted, 1) if c is source)
    return Composed(f"{short} [{number}]\n\n{quotes}", short, citations, "extract")


def with_model_sentence(composed: Composed, reading: Reading, reply: str, *, threshold: float) -> Composed:
    """`composed` with the model's sentence added, where that sentence stands on the quoted passage
    and says the short answer; else `composed` as it was."""
    best = reading.best
    if best is None or not reply.strip():
        return composed
    checked = check_answer(reply, [best.passage], question=reading.question.text, threshold=threshold)
    checked_text = checked.text  # cites [1]: the passage both quotes come from
    if not checked.supported or checked.dropped_sentences or _plain(composed.short_answer) not in _plain(checked_text):
        return composed
    if any(_plain(checked_text).startswith(_plain(c.quote)) for c in composed.citations):
        return composed  # the model copied the quote: nothing gained
    short, _, quote = composed.text.rpartition("\n\n")
    text = f"{short}\n\n{checked_text}\n\n{quote}" if short else f"{checked_text}\n\n{quote}"
    return Composed(text, composed.short_answer, composed.citations, "model")
