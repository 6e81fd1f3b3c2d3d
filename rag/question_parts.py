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

A question often names the event it is about as well as what it asks of it ("What initiative
did China Customs propose | at the APEC Seminar on Smart Customs held in December 2023?").
The event's words find the article, but inside the article they pick the sentence that
introduces the event, not the one holding the answer; `asked_in_setting` separates the two.

    asked_in_setting("Which panel discussion did the ROCB A/P's representative join at the 2023 WCO Technology Conference?")
    # ("Which panel discussion did the ROCB A/P's representative join?", "at the 2023 WCO Technology Conference")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.question_kinds import ASKING_WORD
from rag.terms import ASKING_WORDS

# ", and when ...", " and how many ...": a second asking clause joined to the first
_SECOND_QUESTION = re.compile(
    rf",?\s+and\s+(?=(?:{ASKING_WORDS}|in what|on what|at what|for what)\b)", re.I
)
_LEADING_ASKING_PHRASE = re.compile(rf"^\W*(?:how\s+(?:many|much|long|often)|{ASKING_WORDS})\b\s*", re.I)
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
_OWN_ASKING_WORD = re.compile(rf"\b{ASKING_WORDS}\b(?!\s+about\b)", re.I)  # "what about ..." asks nothing of its own


def with_context(question: str, earlier: str) -> str:
    """`question` followed, in brackets, by the words of the `earlier` question it points back to:
    "Who held that post? (was Head of the ROCB A/P in mid-2018)"."""
    return f"{question} ({context_words(earlier)})"


def context_words(earlier: str) -> str:
    """An earlier question's words without its asking word, to stand beside a question that points back
    to it; the later question's own asking phrase stays first, where the finder reads what is asked for."""
    return _LEADING_ASKING_PHRASE.sub("", earlier.strip()).rstrip(" ?")


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


# The event a question is set in: "..., at the December 2023 APEC seminar", "... during the site visit",
# "... held in Bangkok", "... organised by Japan Customs", after the asking word; or a leading
# "In Japan Customs' online induction programme, what ...". It must name something (a capital or a
# digit): "at the close of every training day" is part of what is asked.
_SETTING_AFTER = re.compile(
    r"\s(?:at|during)\s+(?:the|a|an|its|his|her|their|this)\b|\s(?:held|hosted|organi[sz]ed|conducted)\s+(?:in|at|on|by|from)\b",
    re.I,
)
_SETTING_BEFORE = re.compile(
    rf"^\s*(?:in|at|during|according to|for)\b(?:(?!\b{ASKING_WORDS}\b)[^,?]){{3,}}?,\s*(?={ASKING_WORDS}\b)",
    re.I,
)
# The event ends where a clause about something else begins: "..., and how many ...", "... that they wanted ...".
_SETTING_ENDS = re.compile(
    rf",?\s+(?:and\s+(?=(?:{ASKING_WORDS}|in what|on what)\b)|that|which|who|whom|whose|where|when|while|because|after|before|so that)\b",
    re.I,
)
_NAMES_SOMETHING = re.compile(r"(?<!^)(?-i:\b[A-Z])|\d")


def asked_in_setting(question: str) -> tuple[str, str]:
    """(what is asked, the event it is asked of); the event is "" when the question names none."""
    pieces: list[str] = []
    asked = question.strip()
    leading = _SETTING_BEFORE.match(asked)
    if leading and _NAMES_SOMETHING.search(leading.group(0).strip()):
        pieces.append(leading.group(0).strip(" ,"))
        asked = asked[leading.end() :]
    asking = ASKING_WORD.search(asked)
    trailing = _SETTING_AFTER.search(asked, asking.end()) if asking else None
    if trailing:
        clause = _SETTING_ENDS.search(asked, trailing.end())
        end = clause.start() if clause else len(asked)
        piece = asked[trailing.start() : end]
        if _NAMES_SOMETHING.search(piece.strip()):
            pieces.append(piece.strip(" ?"))
            asked = asked[: trailing.start()] + asked[end:]
    if not pieces:
        return question, ""
    asked = asked.strip().rstrip(" ?")
    return asked[:1].upper() + asked[1:] + "?", " ".join(pieces)


_CONTEXT_AFTER_QUESTION = re.compile(r"\?\s*\(.*\)\s*$", re.S)


def own_words(question: str) -> str:
    """The question without the earlier question's words `with_context` put in brackets after it: they
    tell what "it" or "he" is, not what the question asks happened ("On what date did he complete his
    tenure? (role did Ilkwon Han play at the March 2022 meeting)" asks about a tenure, not a meeting)."""
    return _CONTEXT_AFTER_QUESTION.sub("?", question)
