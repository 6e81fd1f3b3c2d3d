"""Terms for comparing a question with a sentence: stemmed content words.

The answer finder, the question's reading and the sentence checks compare words by their
English stems (PyStemmer), leaving out function words and the few question words that
name no fact ("how many", "held", "called").

    content_terms("How many officers attended?")  # ['offic', 'attend']
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.words import FUNCTION_WORDS

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,:]\d+)*(?:st|nd|rd|th)?\b")
ASKING_WORDS = r"(?:what|which|who|whom|whose|where|when|how)"  # the words a question asks with, for regexes
PLACED_WORDS = r"(?:located|based|headquartered|headquarters|situated|seated|housed)"  # saying where something is
STOP = FUNCTION_WORDS | {"many", "much", "take", "took", "held", "hold", "give", "gave", "name", "named", "called"}

# People counted in different words: "how many delegates" is answered by "12 officials".
PEOPLE_WORDS = """officers officials delegates participants representatives people persons attendees trainees staff experts
    students recruits applicants personnel employees speakers facilitators observers learners candidates""".split()


# British and American spellings of one word: "organised" / "organizing", "Centre" / "Center", "analysed" /
# "analyzed", "programme" / "program". The stemmer keeps them apart, so they are written one way first.
_BRITISH_ENDINGS = re.compile(r"(?<=[a-z]{3})(?:is|ys)(?=e$|ed$|es$|ing$|ation$|ations$|er$|ers$)|(?<=[a-z]{3}t)re(?=s?$)")
_AMERICAN = {"is": "iz", "ys": "yz", "re": "er"}


def american_spelling(word: str) -> str:
    """A lower-case word in American spelling, so that both spellings of it compare equal."""
    return _BRITISH_ENDINGS.sub(lambda m: _AMERICAN[m.group(0)], word.replace("programme", "program"))


@lru_cache(maxsize=1)
def stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def people_stems() -> frozenset[str]:
    return frozenset(stemmer().stemWords([w.lower() for w in PEOPLE_WORDS]))


def normalise_number(token: str) -> str:
    """"1,000." and "1000" are the same figure."""
    return token.replace(",", "").rstrip(".")


def content_terms(text: str) -> list[str]:
    """Stemmed, lower-cased content words and numbers, in order (stop words dropped)."""
    words = [american_spelling(w.lower().strip("'’-")) for w in WORD.findall(text)]
    words = [w for w in words if w and w not in STOP and (len(w) > 1 or w.isdigit())]
    return stemmer().stemWords(words)
