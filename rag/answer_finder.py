"""Which sentence of the retrieved passages answers the question?

A 270M-parameter model often copies the wrong sentence, so the system finds the answer
sentence itself and hands the model only the best few. Each sentence of the passages is
scored on what a careful reader looks for:

- meaning: cosine between the question and the sentence (the embedding model was trained
  on question–answer pairs);
- coverage: the share of the question's terms, weighted by how rare they are in the
  corpus, that the sentence (or the sentence before it, which often names the subject)
  contains;
- the thing asked for: a "how many" question wants a number the question does not hold,
  "when" a date, "who" a name, "where" a place name;
- the passage's place in the retrieval ranking.

The top score also decides abstention: below `answer_threshold` no sentence is close
enough, and the assistant says the newsletters don't say.

    finder = AnswerFinder(embedder, corpus_texts=[p.text for p in retriever.passages])
    for candidate in finder.rank("Where was the 21st RTC Heads meeting held?", passages)[:3]:
        print(round(candidate.score, 3), candidate.text)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, lru_cache

from rag.chunking import sentence_spans
from rag.embedder import Embedder
from rag.passages import Passage

# Weights of the four signals; chosen on eval/questions.jsonl and checked on the held-out
# set (README, "Answers"). Meaning and coverage carry most of it.
WEIGHTS = {"meaning": 1.0, "coverage": 1.5, "asked_for": 0.35, "rank": 1.0}
CONTEXT_DISCOUNT = 0.8  # coverage found only with the previous sentence counts for less
MIN_SENTENCE_CHARS = 25  # headings, captions and page furniture answer nothing

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,:]\d+)*(?:st|nd|rd|th)?\b")
_ORDINAL_OR_YEAR = re.compile(r"\d+(?:st|nd|rd|th)|(?:19|20)\d\d")
_STOP = frozenset(
    """a an the of in on at to for from by with and or but is are was were be been being has have had do does did
    it its this that these those as which who whom whose what when where why how than then there their they them he she
    his her we our you your i not no also into over under about after before during between both each other such
    will would can could may might shall should must very more most so only just up out all any some many much
    according did does take took held hold give gave name named called newsletter newsletters issue""".split()
)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million dozen".split()
)
_TITLES = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Prof|Sir|Madam|H\.E)\b\.?")


class Asked(Enum):
    """What kind of thing the question asks for, read from its wording."""

    NUMBER = "number"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    OTHER = "other"


_ASKED_PATTERNS = [
    (Asked.NUMBER, r"\bhow (?:many|much|long|often|large|big)\b|\bwhat (?:number|percentage|share|proportion|amount)\b|\bnumber of\b"),
    (Asked.DATE, r"\bwhen\b|\bwhat (?:date|day|month|year|period|time)\b|\bwhich (?:date|day|month|year|dates|days)\b|\bon what dates?\b"),
    (Asked.PERSON, r"\bwho(?:m|se)?\b|\bwhich (?:official|person|expert|officer|director|minister|commissioner|speaker|head|chair)\b|\bname of the (?:person|official|head|director)\b"),
    (Asked.PLACE, r"\bwhere\b|\bin (?:which|what) (?:city|country|town|venue|place|location|hotel|region)\b|\bwhich (?:city|country|town|venue|hotel|place|location)\b"),
]


def asked_for(question: str) -> Asked:
    lowered = question.lower()
    for kind, pattern in _ASKED_PATTERNS:
        if re.search(pattern, lowered):
            return kind
    return Asked.OTHER


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def content_terms(text: str) -> list[str]:
    """Stemmed, lower-cased content words and numbers, in order (stop words dropped)."""
    words = [w.lower().strip("'’-") for w in _WORD.findall(text)]
    words = [w for w in words if w and w not in _STOP and (len(w) > 1 or w.isdigit())]
    return _stemmer().stemWords(words)


def _new_tokens(sentence: str, question_terms: set[str]) -> list[str]:
    """Raw tokens of the sentence whose stem the question lacks."""
    return [t for t in _WORD.findall(sentence) if _stemmer().stemWord(t.lower()) not in question_terms]


def has_asked_for(kind: Asked, sentence: str, question_terms: set[str]) -> float:
    """1.0 when the sentence holds a thing of the asked kind that the question does not."""
    new = _new_tokens(sentence, question_terms)
    if kind is Asked.NUMBER:
        return float(any(t[0].isdigit() and not _ORDINAL_OR_YEAR.fullmatch(t) or t.lower() in _NUMBER_WORDS for t in new))
    if kind is Asked.DATE:
        return float(any(t.lower() in _MONTHS or re.fullmatch(r"(?:19|20)\d\d|\d{1,2}", t) for t in new))
    if kind in (Asked.PERSON, Asked.PLACE):
        names = [t for i, t in enumerate(new) if t[0].isupper() and t.lower() not in _STOP and (i > 0 or len(new) == 1)]
        if kind is Asked.PERSON and _TITLES.search(sentence):
            return 1.0
        return float(bool(names))
    return 1.0


@dataclass(frozen=True)
class Candidate:
    """One sentence of a given passage, scored as an answer to the question."""

    passage_index: int  # position in the passages handed to `rank`
    passage: Passage
    start: int  # offsets in passage.text
    end: int
    score: float
    signals: dict[str, float]

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


class AnswerFinder:
    """Ranks the sentences of retrieved passages as answers to a question."""

    def __init__(self, embedder: Embedder, *, corpus_texts: Sequence[str], weights: dict[str, float] | None = None) -> None:
        self.embedder = embedder
        self._corpus_texts = corpus_texts
        self.weights = {**WEIGHTS, **(weights or {})}

    @cached_property
    def _idf(self) -> dict[str, float]:
        frequency: Counter[str] = Counter()
        for text in self._corpus_texts:
            frequency.update(set(content_terms(text)))
        total = max(1, len(self._corpus_texts))
        return {term: math.log(1 + total / count) for term, count in frequency.items()}

    def idf(self, term: str) -> float:
        """Rarity of a stemmed term; one the corpus never uses is as rare as can be."""
        return self._idf.get(term, math.log(1 + max(1, len(self._corpus_texts))))

    def _coverage(self, wanted: dict[str, float], text: str) -> float:
        present = set(content_terms(text))
        total = sum(wanted.values())
        return sum(weight for term, weight in wanted.items() if term in present) / total if total else 0.0

    def rank(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        """Every sentence of `passages` (best passage first), best answer first."""
        question_terms = content_terms(question)
        wanted = {term: self.idf(term) for term in question_terms}
        kind = asked_for(question)
        spans: list[tuple[int, int, int, int | None]] = []  # passage, start, end, previous start
        for index, passage in enumerate(passages):
            previous: int | None = None
            for begin, end in sentence_spans(passage.text, 0):
                if end - begin >= MIN_SENTENCE_CHARS:
                    spans.append((index, begin, end, previous))
                previous = begin
        if not spans:
            return []
        texts = [passages[i].text[b:e] for i, b, e, _ in spans]
        vectors = self.embedder.embed_documents(texts)
        meaning = vectors @ self.embedder.embed_query(question)
        asked_terms = set(question_terms)
        candidates = []
        for (index, begin, end, previous), text, cosine in zip(spans, texts, meaning):
            passage = passages[index]
            coverage = self._coverage(wanted, text)
            if previous is not None:
                coverage = max(coverage, CONTEXT_DISCOUNT * self._coverage(wanted, passage.text[previous:end]))
            signals = {
                "meaning": float(cosine),
                "coverage": coverage,
                "asked_for": has_asked_for(kind, text, asked_terms),
                "rank": 1.0 / (1 + index),
            }
            score = sum(self.weights[name] * value for name, value in signals.items()) / sum(self.weights.values())
            candidates.append(Candidate(index, passage, begin, end, score, signals))
        return sorted(candidates, key=lambda c: -c.score)


def top_per_passage(candidates: list[Candidate], limit: int) -> list[Candidate]:
    """The best sentence of each of the best `limit` passages, best first."""
    chosen: list[Candidate] = []
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.passage_index not in seen:
            seen.add(candidate.passage_index)
            chosen.append(candidate)
            if len(chosen) == limit:
                break
    return chosen

