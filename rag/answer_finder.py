"""Which sentence of the retrieved passages answers the question?

A 270M-parameter model often copies the wrong sentence, so the system finds the answer
sentence itself and hands the model only the best few. Each sentence of the passages is
scored on what a careful reader looks for:

- meaning: cosine between the question and the sentence (the embedding model was trained
  on question–answer pairs);
- coverage: the share of the question's terms, weighted by how rare they are in the
  corpus, that the sentence (or the sentence before it, which often names the subject)
  contains;
- the thing asked for, read from the question's first asking phrase: "how many" wants a
  number followed by what is counted ("24 Customs officials"; people may be counted in
  other words), never the days of a date, a year, "COVID-19" or a list number; "how much
  did it cost" a sum with its currency; "when" a date; "who" a person named with a title
  (a bare capitalised name counts half); "where" a place name. For numbers, sums and dates
  this is a requirement: a sentence without one cannot answer, and where no sentence has
  one the assistant abstains;
- prose: a full sentence, not a heading or caption (those restate a topic, not a fact);
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, lru_cache

import numpy as np

from rag.embedder import Embedder
from rag.passages import Passage
from rag.query_filters import MONTH_PATTERN
from rag.sentences import answer_sentences
from rag.words import FUNCTION_WORDS

# Weights of the signals; chosen on eval/questions.jsonl and checked on the held-out set
# (README, "Answers"). Meaning, coverage and the thing asked for carry most of it.
WEIGHTS = {"meaning": 1.0, "coverage": 1.5, "asked_for": 1.5, "prose": 0.4, "rank": 1.0}
CONTEXT_DISCOUNT = 0.8  # coverage found only with the previous sentence counts for less

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,:]\d+)*(?:st|nd|rd|th)?\b")
_MONTH = rf"{MONTH_PATTERN}\b\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"(?:{_DAY}\s*(?:[-–—]|to|and|&)\s*)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:\s*,?\s*\d{{4}})?"  # 18 to 20 February 2020
    rf"|{_MONTH}\s+{_DAY}(?:\s*(?:[-–—]|to)\s*(?:{_MONTH}\s+)?{_DAY})?(?:\s*,?\s*\d{{4}})?"  # November 18 to November 22, 2019
    rf"|{_MONTH}\s*,?\s*\d{{4}}|\b(?:19|20)\d\d\b",  # September 2021; 2018
    re.I,
)
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I)
_QUANTITY = re.compile(
    r"\b\d[\d,.]*\b%?|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
    r"million|billion|dozens?)\b",
    re.I,
)
_STOP = FUNCTION_WORDS | {"many", "much", "take", "took", "held", "hold", "give", "gave", "name", "named", "called"}
_TITLED_NAME = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Prof|Sir|Madam|H\.E)\b\.?\s+((?:[A-Z][\w.’'-]*\s?){1,3})")
# A person named with their post: "Kunio Mikuriya, Secretary General of the WCO", "P.B.S.C. Nonis, the DG".
_NAME_WITH_POST = re.compile(
    r"\b((?:[A-Z][\w.’'-]*\s){1,3}[A-Z][\w.’'-]*),\s+(?:the\s+)?(?:[A-Z][\w-]*\s+){0,3}?"
    r"(?:Director|Head|Commissioner|Minister|Secretary|Manager|Chief|President|Chair\w*|DG|DDG|Deputy|Officer|Expert|Controller"
    r"|Ambassador|Advis[eo]r|Coordinator|Attach[eé]|Representative|Professor|Lecturer|Consultant)\b",
    re.I,
)
# "Who organised / funded ...?" may be answered by an institution, not a person.
_INSTITUTIONAL_ACT = re.compile(r"\bwho\b.*\b(?:organi[sz]\w*|host\w*|fund\w*|financ\w*|sponsor\w*|support\w*|donat\w*|run|ran|launch\w*|develop\w*|publish\w*|provid\w*)\b", re.I)
_NOT_A_COUNT = re.compile(r"[A-Za-z]+-\d+\w*|^\s*\d+[.)]\s")  # COVID-19, K-9; "1. Workshop on ..." list numbering
_CURRENCY = re.compile(r"US\$|\$|€|£|¥|\b(?:USD|EUR|JPY|KRW|THB|CHF|euros?|dollars?|yen|won|baht|francs?|yuan|rupees?|pesos?)\b", re.I)
# People counted in different words: "how many delegates" is answered by "12 officials".
_PEOPLE_WORDS = """officers officials delegates participants representatives people persons attendees trainees staff experts
    students recruits applicants personnel employees speakers facilitators observers learners candidates""".split()
COUNT_WINDOW = 4
POST_WINDOW = 40  # characters around a name that may give the person's post
_POST_ABBREVIATIONS = {"DG": "Director General", "DDG": "Deputy Director General", "SG": "Secretary General", "PM": "Program Manager"}
_POST_ABBREVIATION = re.compile(rf"\b(?:{'|'.join(_POST_ABBREVIATIONS)})\b")  # words after a number that may name what it counts


class Asked(Enum):
    """What kind of thing the question asks for, read from its wording."""

    AMOUNT = "amount"  # of money: needs a currency
    NUMBER = "number"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"  # a company, agency, university: needs a proper name
    OTHER = "other"


# "Which [Japanese Ministry of Finance] official": the asking word, up to four words, the noun; no verb in between
# ("What topic did the Director ..." asks for a topic, not a person).
_NOUN_PHRASE = r"\s+(?:(?!(?:did|does|do|is|was|were|are|has|have|had)\b)[\w/.'’-]+\s+){0,4}?"

_ASKED_PATTERNS = [
    (
        Asked.AMOUNT,
        r"\bhow much\b(?=.*\b(?:costs?|pay|paid|spen[dt]|donat\w*|fund\w*|fees?|budgets?|price|worth|contribut\w*)\b)"
        r"|^(?:what|which)\b.*\b(?:budget|fee|cost|price|funding)s?\b",
    ),
    (
        Asked.NUMBER,
        r"\bhow (?:many|much|long|often|large|big)\b|\bwhat (?:number|percentage|share|proportion|amount|quantity)\b|\bnumber of\b",
    ),
    (Asked.DATE, r"\bwhen\b|\bwhat (?:date|day|month|year|period|time)\b|\bwhich (?:date|day|month|year|dates|days)\b|\bon what dates?\b"),
    (
        Asked.PERSON,
        rf"\bwho(?:m|se)?\b|\b(?:which|what){_NOUN_PHRASE}(?:official|person|expert|officer|director|minister|commissioner"
        r"|speaker|head|chair|executive|staff member|manager|secretary|delegate)\b|\bname of the (?:person|official|head|director)\b",
    ),
    (Asked.PLACE, rf"\bwhere\b|\b(?:which|what){_NOUN_PHRASE}(?:city|country|town|venue|place|location|hotel|province|region)\b"),
    (
        Asked.ORGANISATION,
        rf"\b(?:which|what){_NOUN_PHRASE}(?:company|companies|agency|agencies|organi[sz]ations?|university|universities|institutions?"
        r"|donors?|firms?|operators?)\b",
    ),
]


_ASKING_WORD = re.compile(r"\b(?:which|what|who|whom|whose|where|when|how)\b")


def asked_for(question: str) -> Asked:
    """The kind the question's first asking phrase names ("Who ..., and when ...?" wants a person;
    "Which three administrations ..., and how many ...?" is not a number question)."""
    lowered = question.lower()
    found = [(match.start(), order, match.end(), kind) for order, (kind, pattern) in enumerate(_ASKED_PATTERNS) if (match := re.search(pattern, lowered))]
    first = _ASKING_WORD.search(lowered)
    if first is not None:
        found = [item for item in found if item[0] <= first.start() < item[2]]
    return min(found)[3] if found else Asked.OTHER


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _people() -> frozenset[str]:
    return frozenset(_stemmer().stemWords([w.lower() for w in _PEOPLE_WORDS]))


def content_terms(text: str) -> list[str]:
    """Stemmed, lower-cased content words and numbers, in order (stop words dropped)."""
    words = [w.lower().strip("'’-").replace("programme", "program") for w in _WORD.findall(text)]
    words = [w for w in words if w and w not in _STOP and (len(w) > 1 or w.isdigit())]
    return _stemmer().stemWords(words)


def _new_tokens(sentence: str, question_terms: set[str]) -> list[str]:
    """Raw tokens of the sentence whose stem the question lacks."""
    return [t for t in _WORD.findall(sentence) if _stemmer().stemWord(t.lower()) not in question_terms]


def _is_new(found: str, question_terms: set[str]) -> bool:
    """A number or date the question does not already give."""
    terms = content_terms(found)
    return bool(terms) and not set(terms) <= question_terms


_ASKING_TERMS = {"date", "dates", "day", "days", "month", "year", "years", "time", "period", "exact", "exactly"}


def event_terms(question: str) -> frozenset[str]:
    """Stems of the question's lower-case content words: what happened ("take up his post", "designated"),
    as opposed to the names of who or what it happened to."""
    words = [w for w in _WORD.findall(question) if w[0].islower() and w.lower() not in _ASKING_TERMS]
    return frozenset(content_terms(" ".join(words)))


_ORDINAL_WORDS = {
    word: number
    for number, words in enumerate(
        ["first inaugural", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1
    )
    for word in words.split()
}
_NUMBERED_THING = re.compile(rf"\b({'|'.join(_ORDINAL_WORDS)}|\d+)\s*(?:st|nd|rd|th)?\s+([A-Za-z][\w-]*)", re.I)


def numbered_things(text: str) -> dict[str, set[int]]:
    """Which instance of a thing the text names: "the third edition" → {"edit": {3}}, "21st session" → {"session": {21}}."""
    found: dict[str, set[int]] = {}
    for match in _NUMBERED_THING.finditer(text):
        number, noun = match.group(1).lower(), match.group(2)
        if not number.isdigit() and number not in _ORDINAL_WORDS:
            continue
        if number.isdigit() and not re.match(r"\d+\s*(?:st|nd|rd|th)\b", match.group(0), re.I):
            continue  # a count ("21 administrations"), not an ordinal
        terms = content_terms(noun)
        if terms:
            found.setdefault(terms[0], set()).add(int(number) if number.isdigit() else _ORDINAL_WORDS[number])
    return found


def speaks_of_another(question_things: dict[str, set[int]], text: str) -> bool:
    """Does the text name another instance of a thing the question numbers ("the second edition"
    for "the third edition"), and not the question's own?"""
    things = numbered_things(text)
    return any(noun in things and not numbers & things[noun] for noun, numbers in question_things.items())


def counted(question: str) -> frozenset[str]:
    """The stem of what a "how many" question counts, the head of its noun phrase: "How many Thai Customs
    officers were ..." → {offic} ("17 areas of Customs knowledge" does not count officers)."""
    match = re.search(r"\bhow many\s+(.*)", question, re.I)
    if not match:
        return frozenset()
    words: list[str] = []
    for word in _WORD.findall(match.group(1))[:4]:
        if (word.lower() in _STOP and word.lower() != "and") or _looks_like_verb(word):
            break
        words.append(word)
    nouns = [w for w in words if w.lower().endswith("s") or w.lower() in _PEOPLE_WORDS or w.lower() == "people"]
    return frozenset(content_terms(nouns[-1] if nouns else " ".join(words)))


def _looks_like_verb(word: str) -> bool:
    """"attended", "took": where a "how many" noun phrase ends."""
    lowered = word.lower()
    return (len(lowered) > 4 and lowered.endswith("ed")) or lowered in {"took", "came", "went", "got", "made", "gave", "sent", "saw", "attend", "join"}


def _counts_what(after: str, wanted: frozenset[str]) -> bool:
    """Do the words after a number name the thing counted (or people, where people are counted)?"""
    words = _WORD.findall(after)[:COUNT_WINDOW]
    if set(content_terms(" ".join(words))) & wanted:
        return True
    return bool(wanted & _people()) and any(_names_people(word) for word in words)


def _names_people(word: str) -> bool:
    """"officials", "delegates", and agent nouns a list cannot hold: "retirees", "analysts", "participants"."""
    lowered = word.lower()
    return _stemmer().stemWord(lowered) in _people() or bool(re.search(r"(?:ees|ists|ants|ents|ians|ors|ers)$", lowered))


def quantities(sentence: str, question_terms: set[str], wanted: frozenset[str] = frozenset()) -> list[str]:
    """Counts, amounts and shares in the sentence, leaving out dates, years, ordinals, "COVID-19" and list
    numbers; with `wanted` (what a "how many" question counts), only numbers followed by it."""
    text = _NOT_A_COUNT.sub(" ", _ORDINAL.sub(" ", _DATE.sub(" ", sentence)))
    return [
        m.group(0)
        for m in _QUANTITY.finditer(text)
        if _is_new(m.group(0), question_terms) and (not wanted or _counts_what(text[m.end() :], wanted))
    ]


def figures(sentence: str) -> dict[str, set[str]]:
    """What the sentence counts, and how many: "34 WCO Members" → {"member": {"34"}, "wco": {"34"}}. Dates,
    years and ordinals are not figures."""
    text = _NOT_A_COUNT.sub(" ", _ORDINAL.sub(" ", _DATE.sub(" ", sentence)))
    found: dict[str, set[str]] = {}
    for match in _QUANTITY.finditer(text):
        value = match.group(0).lower().replace(",", "")
        for term in content_terms(" ".join(_WORD.findall(text[match.end() :])[:COUNT_WINDOW])):
            if not term[0].isdigit():
                found.setdefault(term, set()).add(value)
    return found


def date_precision(question: str) -> str:
    """How fine a date the question wants: "year" ("in what year ..."), "day" ("on what date ..."), else "month"."""
    lowered = question.lower()
    if re.search(r"\b(?:what|which) year\b", lowered):
        return "year"
    if re.search(r"\b(?:what|which) (?:date|dates|day|days)\b", lowered):
        return "day"
    return "month"


def _is_new_date(found: str, question_terms: set[str], precision: str) -> bool:
    """A date that tells the question something at the precision it asks: "3 to 6 December 2019" does not
    answer "when did the December 2019 workshop ...", nor "2019" "in what year ... the 2019 workshop"."""
    terms = set(content_terms(found))
    years = {t for t in terms if re.fullmatch(r"(?:19|20)\d\d", t)}
    months = {t for t in terms if t.isalpha()}
    if precision == "year":
        return bool(years - question_terms)
    if precision == "month":
        return bool((years | months) - question_terms)
    return not terms <= question_terms


def dates(sentence: str, question_terms: set[str], precision: str = "day") -> list[str]:
    return [m.group(0) for m in _DATE.finditer(sentence) if _is_new_date(m.group(0), question_terms, precision)]


def has_asked_for(
    kind: Asked, sentence: str, question_terms: set[str], wanted: frozenset[str] = frozenset(), precision: str = "day"
) -> float:
    """1.0 when the sentence holds a thing of the asked kind that the question does not (for a date, at
    the `precision` it asks)."""
    if kind is Asked.AMOUNT:
        return float(bool(quantities(sentence, question_terms)) and bool(_CURRENCY.search(sentence)))
    if kind is Asked.NUMBER:
        return float(bool(quantities(sentence, question_terms, wanted)))
    if kind is Asked.DATE:
        return float(bool(dates(sentence, question_terms, precision)))
    if kind is Asked.PERSON:
        return 1.0 if _named_people(sentence, question_terms, wanted) else 0.5 * _has_new_name(sentence, question_terms)
    if kind in (Asked.PLACE, Asked.ORGANISATION):
        return _has_new_name(sentence, question_terms)
    return 1.0


def _named_people(sentence: str, question_terms: set[str], post: frozenset[str] = frozenset()) -> list[str]:
    """People named with a title ("Mr. ARAKI Takahiro", "Dr Wijarn") or with their post ("Kunio Mikuriya,
    Secretary General") whom the question does not name; with `post` (the post a "who was the ..." question
    asks about), only those the sentence gives that post, just before or after the name."""
    found = [m for pattern in (_TITLED_NAME, _NAME_WITH_POST) for m in pattern.finditer(sentence)]
    names = [m for m in found if not set(content_terms(m.group(1))) <= question_terms]
    if post:
        names = [m for m in names if post & set(content_terms(_post_text(sentence, m)))]
    return [m.group(1) for m in names]


def _post_text(sentence: str, name: re.Match) -> str:
    """The words around a name that give the person's post: "Managing Director Mr. X" or "Mr. X, Head of ..."."""
    before = sentence[max(0, name.start() - POST_WINDOW) : name.start()].split(",")[-1]
    after = re.split(r"[;()]|,\s*(?:and\s+)?(?:Mr|Ms|Mrs|Dr)\b|\band\s+(?:Mr|Ms|Mrs|Dr)\b", sentence[name.end(1) : name.end(1) + 2 * POST_WINDOW])[0]
    return _POST_ABBREVIATION.sub(lambda m: _POST_ABBREVIATIONS[m.group(0)], f"{before} {after}")


def asked_post(question: str) -> frozenset[str]:
    """The post a "who was the ..." question names: "Who were the two facilitators, from ..." → {facilit};
    "Who took over as Director General of ..." → {general}. Empty for "who opened it?"."""
    match = re.search(
        r"\bwho\s+(?:was|were|is|are|became|served as|was serving as|took over as|acted as)\s+(?:the\s+)?((?:[\w/.'’-]+\s+){0,5}?[\w'’-]+?)"
        r"(?=\s+(?:of|at|in|for|from|who|that|when|during|under|on)\b|\s*[,?])",
        question,
        re.I,
    )
    return frozenset(content_terms(match.group(1))[-1:]) if match else frozenset()


def _has_new_name(sentence: str, question_terms: set[str]) -> float:
    new = _new_tokens(sentence, question_terms)
    return float(any(t[0].isupper() and t.lower() not in _STOP and (i > 0 or len(new) == 1) for i, t in enumerate(new)))


REQUIRED = (Asked.AMOUNT, Asked.NUMBER, Asked.DATE)  # a sentence without one of these cannot answer the question
EVENT_CHECKED = (Asked.DATE,)  # numbers are not: "how many took part" is answered by "joined", "inbound" by "inward"


def requires_asked_for(kind: Asked, question: str) -> bool:
    """Must a sentence hold the thing asked for to answer at all? Numbers, sums and dates, always;
    a person, unless the question asks who did what an institution does ("who organised it?")."""
    return kind in REQUIRED or (kind is Asked.PERSON and not _INSTITUTIONAL_ACT.search(question))


def kind_is_checked(question: str) -> bool:
    """Does the finder check what the question asks for (a number, sum, date, person or place)?"""
    return asked_for(question) is not Asked.OTHER


def is_prose(sentence: str) -> float:
    """1.0 for a sentence that ends like one; headings and captions do not."""
    return float(sentence.rstrip()[-1:] in ".!?\"”’)")


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

    def __init__(
        self,
        embedder: Embedder,
        *,
        corpus_texts: Sequence[str],
        weights: dict[str, float] | None = None,
        stored_vectors: Callable[[Passage], np.ndarray | None] | None = None,
    ) -> None:
        self.embedder = embedder
        self._stored_vectors = stored_vectors or (lambda passage: None)
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
        """The sentences of `passages` (best passage first) that could answer, best first.

        For a number, sum or date question only sentences holding a new one are kept.
        """
        question_terms = content_terms(question)
        wanted = {term: self.idf(term) for term in question_terms}
        kind = asked_for(question)
        things_counted = counted(question)
        required = requires_asked_for(kind, question)
        happening = event_terms(question) - things_counted
        precision = date_precision(question)
        question_things = numbered_things(question)
        post = asked_post(question)
        spans = [(index, span) for index, passage in enumerate(passages) for span in answer_sentences(passage.text)]
        if not spans:
            return []
        texts = [passages[i].text[span.start : span.end] for i, span in spans]
        meaning = self._sentence_vectors(passages, spans, texts) @ self.embedder.embed_query(question)
        asked_terms = set(question_terms)
        candidates = []
        for (index, (begin, end, previous)), text, cosine in zip(spans, texts, meaning):
            passage = passages[index]
            coverage = self._coverage(wanted, text)
            if previous is not None:
                coverage = max(coverage, CONTEXT_DISCOUNT * self._coverage(wanted, passage.text[previous:end]))
            signals = {
                "meaning": float(cosine),
                "coverage": coverage,
                "asked_for": has_asked_for(kind, text, asked_terms, post if kind is Asked.PERSON else things_counted, precision),
                "prose": is_prose(text),
                "rank": 1.0 / (1 + index),
            }
            if required and signals["asked_for"] < 1:
                continue
            context = passage.text[previous if previous is not None else begin : end]
            if question_things and speaks_of_another(question_things, context):
                continue
            if kind in EVENT_CHECKED and happening and not happening & set(content_terms(passage.title + " " + context)):
                continue
            score = sum(self.weights[name] * value for name, value in signals.items()) / sum(self.weights.values())
            candidates.append(Candidate(index, passage, begin, end, score, signals))
        return sorted(candidates, key=lambda c: -c.score)

    def _sentence_vectors(self, passages: Sequence[Passage], spans: list, texts: list[str]) -> np.ndarray:
        """Vectors of the sentences, from the index where it holds them, else embedded now."""
        counts = Counter(index for index, _span in spans)
        stored = {index: self._stored_vectors(passage) for index, passage in enumerate(passages)}
        stored = {index: v if v is not None and len(v) == counts[index] else None for index, v in stored.items()}
        missing = [row for row, (index, _span) in enumerate(spans) if stored[index] is None]
        fresh = iter(self.embedder.embed_documents([texts[row] for row in missing]) if missing else [])
        vectors, seen = [], Counter()
        for index, _span in spans:
            if stored[index] is None:
                vectors.append(next(fresh))
            else:
                vectors.append(stored[index][seen[index]])
            seen[index] += 1
        return np.stack(vectors)


def companion(best: Candidate, candidates: list[Candidate], margin: float) -> Candidate | None:
    """The next-best sentence of the best sentence's passage, when nearly as good.

    An answer often takes two sentences: one names the event the question describes, the
    next gives the figure or name asked for, and the finder cannot always tell which.
    """
    for candidate in candidates:
        if candidate is not best and candidate.passage_index == best.passage_index:
            return candidate if best.score - candidate.score <= margin else None
    return None


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

