"""A question that asks two things is answered part by part.

"Who was Head of the ROCB A/P in mid-2018, and who held that post in late 2023?" has two
answers, often in two issues. Searched and ranked as one question, the best sentence
answers one part and the other is lost; each part searched on its own finds its own
sentence. The second part often points back ("he", "that post", "the following
meeting"), so it is searched with the first part's words beside it.

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
MIN_PART_WORDS = 3  # "..., and why?" is too short to search on its own


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
    context = _ASKING_WORD.sub("", first).rstrip("?")
    return [QuestionPart(first, first), QuestionPart(second, f"{second} ({context})")]
