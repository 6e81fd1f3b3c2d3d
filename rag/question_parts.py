"""A question that asks two things is answered part by part; a follow-up is made standalone.

"Who was Head of the ROCB A/P in mid-2018, and who held that post in late 2023?" has two
answers, often in two issues. Searched and ranked as one question, the best sentence
answers one part and the other is lost; each part searched on its own finds its own
sentence. The second part often points back ("he", "that post", "the following
meeting"), so it is searched with the first part's words beside it, as a follow-up is
searched with the question before it.

    question_parts("When did the 21st session take place, and where was it held?")
    # [QuestionPart(asked='When did the 21st session take place?', searched='When did the 21st session take place?'),
    #  QuestionPart(asked='Where was it held?', searched='Where was it held? (did the 21st session take place)')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ", and when ...", " and how many ...": a second asking clause joined to the first
_SECOND_QUESTION = re.compile(
    r",?\s+and\s+(?=(?:what|when|which|who|whom|whose|where|how|in what|on what|at what|for what)\b)", re.I
)
_ASKING_WORD = re.compile(r"^\W*(?:what|when|which|who|whom|whose|where|how(?:\s+(?:many|much|long|often))?)\b\s*", re.I)
MIN_PART_WORDS = 3  # "..., and when?" is too short to search on its own


@dataclass(frozen=True)
class QuestionPart:
    asked: str  # the part as the user asked it, shown when the newsletters don't answer it
    searched: str  # what is searched and ranked: the part, with the first part's words where it points back


def question_parts(question: str) -> list[QuestionPart]:
    """The question's parts: one for a plain question, two for "..., and when ...?"."""
    match = _SECOND_QUESTION.search(question)
    if match is None:
        return [QuestionPart(question, question)]
    first = question[: match.start()].rstrip(" ,;:?") + "?"
    second = question[match.end() :].strip()
    second = second[:1].upper() + second[1:].rstrip(" ?") + "?"
    if len(first.split()) < MIN_PART_WORDS or len(second.split()) < MIN_PART_WORDS:
        return [QuestionPart(question, question)]
    return [QuestionPart(first, first), QuestionPart(second, with_context(second, first))]


_JOINING_WORD = re.compile(r"^\W*(?:and|but|also|so)\b[\s,]*", re.I)
_OWN_ASKING_WORD = re.compile(r"\b(?:what|when|which|who|whom|whose|where|how)\b(?!\s+about\b)", re.I)


def with_context(question: str, earlier: str) -> str:
    """`question` followed, in brackets, by the words of the `earlier` question it points back to:
    "Who held that post? (was Head of the ROCB A/P in mid-2018)"."""
    return f"{question} ({context_words(earlier)})"


def context_words(earlier: str) -> str:
    """An earlier question's words without its asking word, to stand beside a question that points back
    to it; the later question's own asking phrase stays first, where the finder reads what is asked for."""
    return _ASKING_WORD.sub("", earlier.strip()).rstrip(" ?")


_POINTS_BACK = re.compile(r"^(?:and|but|also|what about|how about)\b|\b(?:it|its|they|them|their|he|she|his|her|this|that|there|those)\b", re.I)
SHORT_FOLLOW_UP_WORDS = 4  # "In 2019?", "Who else attended?": too short to stand alone


def points_back(question: str) -> bool:
    """Does the question lean on the one before it ("and who opened it?", "what about the 20th?")?"""
    return bool(_POINTS_BACK.search(question)) or len(question.split()) <= SHORT_FOLLOW_UP_WORDS


def follow_up_pieces(follow_up: str, previous: str) -> tuple[str, str]:
    """(the question that leads, the words in brackets) for a follow-up made standalone. "And who opened
    it?" asks its own question: ("Who opened it?", "was the 21st RTC Heads meeting held"). "What about the
    22nd?" asks the previous question again of something else: ("Where was the 21st RTC Heads meeting
    held?", "the 22nd")."""
    own = _JOINING_WORD.sub("", follow_up.strip())
    if _OWN_ASKING_WORD.search(own):
        return own[:1].upper() + own[1:], context_words(previous)
    return previous.strip(), re.sub(r"^\W*(?:what|how)\s+about\s+", "", own, flags=re.I).rstrip(" ?")
