"""Does a retrieved passage contain an evidence quote?

A passage counts when most of the quote's words appear in it in order (longest common
subsequence of words), so a quote cut by a chunk boundary, or re-spaced by cleaning, is
not a miss.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_IN_ORDER = 0.6  # share of the quote's words that must appear, in order


@lru_cache(maxsize=200_000)
def words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


def _lcs_length(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    if not a or not b:
        return 0
    vocabulary = set(a)
    b = tuple(w for w in b if w in vocabulary)  # words absent from the quote never match
    previous = [0] * (len(b) + 1)
    for word in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            current[j] = previous[j - 1] + 1 if word == other else max(previous[j], current[j - 1])
        previous = current
    return previous[-1]


def share_in_order(quote: str, passage: str) -> float:
    quote_words = words(quote)
    return _lcs_length(quote_words, words(passage)) / len(quote_words) if quote_words else 0.0


def contains_evidence(quote: str, passage: str) -> bool:
    return share_in_order(quote, passage) >= MIN_IN_ORDER


def normalise_whitespace(text: str) -> str:
    return " ".join(text.split())
