"""What a sentence holds that a question may ask for: counts, sums, dates, named people, names.

Dates, years, ordinals, "COVID-19" and list numbers are told apart from counts; a count
is tied to the words after it ("24 Customs officials"); a person is someone named with a
title or a post. `has_asked_for` says whether a sentence holds the kind of thing a
question asks for and the question does not already give.

    quantities("A total of 24 Customs officials attended on 3 May 2019.", set())  # ['24']
"""

from __future__ import annotations

import re

from rag.query_filters import MONTH_PATTERN
from rag.question_kinds import Asked
from rag.terms import STOP, WORD, content_terms, normalise_number, people_stems, stemmer

_MONTH = rf"{MONTH_PATTERN}\b\.?"
_DAY = r"(?<!\d)\d{1,2}(?:st|nd|rd|th)?(?!\d)"  # "April 2020" holds no day 20

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

TITLED_NAME = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Prof|Sir|Madam|H\.E)\b\.?\s+((?:[A-Z][\w.’'-]*\s?){1,3})")

# A person named with their post: "Kunio Mikuriya, Secretary General of the WCO", "P.B.S.C. Nonis, the DG".
# The name keeps its capitals ("the Customs analysis staffs, including the Director" names nobody); the post may not.
_NAME_WITH_POST = re.compile(
    r"\b((?-i:(?:[A-Z][\w.’'-]*\s){1,3}[A-Z][\w.’'-]*)),\s+(?:the\s+)?(?:[A-Z][\w-]*\s+){0,3}?"
    r"(?:Director|Head|Commissioner|Minister|Secretary|Manager|Chief|President|Chair\w*|DG|DDG|Deputy|Officer|Expert|Controller"
    r"|Ambassador|Advis[eo]r|Coordinator|Attach[eé]|Representative|Professor|Lecturer|Consultant)\b",
    re.I,
)

_NOT_A_COUNT = re.compile(r"[A-Za-z]+-\d+\w*|^\s*\d+[.)]\s")  # COVID-19, K-9; "1. Workshop on ..." list numbering
_CURRENCY = re.compile(r"US\$|\$|€|£|¥|\b(?:USD|EUR|JPY|KRW|THB|CHF|euros?|dollars?|yen|won|baht|francs?|yuan|rupees?|pesos?)\b", re.I)
COUNT_WINDOW = 4  # words after a number that may name what it counts
POST_WINDOW = 40  # characters around a name that may give the person's post
_POST_ABBREVIATIONS = {"DG": "Director General", "DDG": "Deputy Director General", "SG": "Secretary General", "PM": "Program Manager"}
_POST_ABBREVIATION = re.compile(rf"\b(?:{'|'.join(_POST_ABBREVIATIONS)})\b")


def has_asked_for(
    kind: Asked, sentence: str, question_terms: set[str], wanted: frozenset[str] = frozenset(), precision: str = "day"
) -> float:
    """1.0 when the sentence holds a thing of the asked kind that the question does not: for a number,
    followed by `wanted` (what is counted); for a person, named with a title or post, and given the post
    `wanted` where the question names one; for a date, at the `precision` the question asks."""
    if kind is Asked.AMOUNT:
        return float(bool(quantities(sentence, question_terms)) and bool(_CURRENCY.search(sentence)))
    if kind is Asked.NUMBER:
        return float(bool(quantities(sentence, question_terms, wanted)))
    if kind is Asked.DATE:
        return float(bool(dates(sentence, question_terms, precision)))
    if kind is Asked.PERSON:
        return 1.0 if _named_people(sentence, question_terms, wanted) else 0.5 * _has_new_name(sentence, question_terms)
    if kind in (Asked.TOWN, Asked.PLACE, Asked.ORGANISATION):
        return _has_new_name(sentence, question_terms)
    return 1.0


def quantities(sentence: str, question_terms: set[str], wanted: frozenset[str] = frozenset()) -> list[str]:
    """Counts, amounts and shares in the sentence, leaving out dates, years, ordinals, "COVID-19" and list
    numbers; with `wanted` (what a "how many" question counts), only numbers followed by it, and no shares
    ("85% of participants" says how many of them, not how many there were)."""
    text = _without_dates(sentence)
    return [
        m.group(0)
        for m in _QUANTITY.finditer(text)
        # "... four programmes ... for how long?" is answered by "four years": the count of another thing
        if (_is_new(m.group(0), question_terms) or (wanted and not wanted & question_terms))
        and (not wanted or _counts_what(text[m.end() :], wanted, m.group(0)))
    ]


def figures(sentence: str) -> dict[str, set[str]]:
    """What the sentence counts, and how many: "34 WCO Members" → {"member": {"34"}, "wco": {"34"}}. Dates,
    years and ordinals are not figures."""
    text = _without_dates(sentence)
    found: dict[str, set[str]] = {}
    for match in _QUANTITY.finditer(text):
        value = normalise_number(match.group(0).lower())
        for term in content_terms(" ".join(WORD.findall(text[match.end() :])[:COUNT_WINDOW])):
            if not term[0].isdigit():
                found.setdefault(term, set()).add(value)
    return found


def _without_dates(sentence: str) -> str:
    """The sentence with dates, years, ordinals, "COVID-19" and list numbers blanked: what is left are counts."""
    return _NOT_A_COUNT.sub(" ", _ORDINAL.sub(" ", _DATE.sub(" ", sentence)))


def dates(sentence: str, question_terms: set[str], precision: str = "day") -> list[str]:
    return [m.group(0) for m in _DATE.finditer(sentence) if _is_new_date(m.group(0), question_terms, precision)]


def _is_new_date(found: str, question_terms: set[str], precision: str) -> bool:
    """A date that tells the question something at the precision it asks: "3 to 6 December 2019" does not
    answer "when did the December 2019 workshop ...", nor "2019" "in what year ... the 2019 workshop", nor
    "in 2017" "in what month ..."."""
    terms = set(content_terms(found))
    years = {t for t in terms if re.fullmatch(r"(?:19|20)\d\d", t)}
    months = {t for t in terms if t.isalpha()}
    if precision == "year":
        return bool(years - question_terms)
    if precision in ("month", "any"):  # "in what month" needs a month; "when", a month or a year
        return (bool(months) or precision == "any") and bool((years | months) - question_terms)
    return not terms <= question_terms


def _named_people(sentence: str, question_terms: set[str], post: frozenset[str] = frozenset()) -> list[str]:
    """People named with a title ("Mr. ARAKI Takahiro", "Dr Wijarn") or with their post ("Kunio Mikuriya,
    Secretary General") whom the question does not name; with `post` (the post a "who was the ..." question
    asks about), only those the sentence gives that post, just before or after the name."""
    found = [m for pattern in (TITLED_NAME, _NAME_WITH_POST) for m in pattern.finditer(sentence)]
    names = [m for m in found if not set(content_terms(m.group(1))) <= question_terms]
    if post:
        names = [m for m in names if post <= set(content_terms(_post_text(sentence, m)))]
    return [m.group(1) for m in names]


def _post_text(sentence: str, name: re.Match) -> str:
    """The words around a name that give the person's post: "Managing Director Mr. X" or "Mr. X, Head of ..."."""
    before = sentence[max(0, name.start() - POST_WINDOW) : name.start()].split(",")[-1]
    after = re.split(r"[;()]|,\s*(?:and\s+)?(?:Mr|Ms|Mrs|Dr)\b|\band\s+(?:Mr|Ms|Mrs|Dr)\b", sentence[name.end(1) : name.end(1) + 2 * POST_WINDOW])[0]
    return _POST_ABBREVIATION.sub(lambda m: _POST_ABBREVIATIONS[m.group(0)], f"{before} {after}")


# "Australia, Hong Kong China and Indonesia", "Botswana and Kyrgyzstan": names in a list
_NAME_RUN = r"[A-Z][\w'’.&/-]*(?:\s+(?:of\s+)?[A-Z][\w'’.&/-]*)*"
_LISTED_NAMES = re.compile(rf"(?:{_NAME_RUN}\s*,\s*)*{_NAME_RUN},?\s+and\s+{_NAME_RUN}")


def listed_names(sentence: str, question_terms: set[str], *, people: bool = True) -> int:
    """The most names the sentence lists together ("A, B and C") that the question does not name; words in
    brackets are left out ("Tin Can (in Lagos) and Onne (in Port-Harcourt)"), and so are people named with a
    title unless `people` are asked for ("Mr. Kuramoto, Head of ROCB A/P, and Mr. Chan" lists no administrations)."""
    text = re.sub(r"\s*\([^()]*\)", "", sentence)
    if not people:
        text = TITLED_NAME.sub(" ", text)
    best = 0
    for match in _LISTED_NAMES.finditer(text):
        names = re.split(r"\s*,\s*(?:and\s+)?|,?\s+and\s+", match.group(0))
        best = max(best, sum(1 for name in names if set(content_terms(name)) - question_terms))
    return best


def _has_new_name(sentence: str, question_terms: set[str]) -> float:
    new = _new_tokens(sentence, question_terms)
    return float(any(t[0].isupper() and t.lower() not in STOP and (i > 0 or len(new) == 1) for i, t in enumerate(new)))


_ABBREVIATION_IN_BRACKETS = re.compile(r"\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?)?[\"“]?[A-Z][A-Za-z0-9/&.-]*[A-Z0-9][\"”]?\s*\)")


def _new_tokens(sentence: str, question_terms: set[str]) -> list[str]:
    """Raw tokens of the sentence whose term the question lacks, compared as `content_terms` compares them
    ("Programmes" is not new beside "programme"; function words are always new, the question holds none).
    An abbreviation in brackets, "Central Customs Laboratory of Korea (K-CCL)" or "(hereinafter K-CCL)",
    only shortens the words before it: those are judged instead."""
    text = _ABBREVIATION_IN_BRACKETS.sub(" ", sentence)
    return [t for t in WORD.findall(text) if not set(content_terms(t)) & question_terms]


def _is_new(found: str, question_terms: set[str]) -> bool:
    """A number or date the question does not already give."""
    terms = content_terms(found)
    return bool(terms) and not set(terms) <= question_terms


_SHARE = re.compile(r"\s*(?:%|per\s*cent|percent)", re.I)


def _counts_what(after: str, wanted: frozenset[str], number: str = "") -> bool:
    """Do the words after a number name the thing counted (or people, where people are counted)? A share
    ("85% of participants") counts nothing."""
    if number.endswith("%") or _SHARE.match(after):
        return False
    words = WORD.findall(after)[:COUNT_WINDOW]
    if set(content_terms(" ".join(words))) & wanted:
        return True
    return bool(wanted & people_stems()) and any(_names_people(word) for word in words)


def _names_people(word: str) -> bool:
    """"officials", "delegates", and agent nouns a list cannot hold: "retirees", "analysts", "participants"."""
    lowered = word.lower()
    return stemmer().stemWord(lowered) in people_stems() or bool(re.search(r"(?:ees|ists|ants|ents|ians|ors|ers)$", lowered))


_BYLINE = re.compile(r"^\W*(?:contribution\s+|contributed\s+|written\s+)?by\s+(?:Mr|Ms|Mrs|Dr|Prof|H\.E)\b", re.I)


def is_byline(sentence: str) -> bool:
    """"- Contribution by Mr. IWAI Takao, JICA Customs expert": who wrote the article, not who did what it tells."""
    return bool(_BYLINE.match(sentence))


def is_prose(sentence: str) -> float:
    """1.0 for a sentence that ends like one; headings and captions do not."""
    return float(sentence.rstrip()[-1:] in ".!?\"”’)")
