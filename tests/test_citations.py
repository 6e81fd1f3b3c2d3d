"""Citation checking: what a reader relies on when trusting an answer's sources."""

from rag.answer.citations import check_answer, strip_echoes, support
from rag.index.passages import Passage

TEXT = (
    "The workshop in Langkawi gathered 24 Customs officials from ASEAN states. It ran for five days. "
    "Mr. Kuramoto opened the meeting in Bangkok on 5 May 2022. The canine report was first published in September 2021."
)


def passage(number: int, sentence: str) -> Passage:
    start = TEXT.index(sentence)
    return Passage(str(number), "doc", "Issue", "Series", "1", None, None, "2022", "Title", start, start + len(sentence), sentence)


PASSAGES = [
    passage(1, "The workshop in Langkawi gathered 24 Customs officials from ASEAN states. It ran for five days."),
    passage(2, "Mr. Kuramoto opened the meeting in Bangkok on 5 May 2022."),
]


def test_a_marker_pointing_at_no_passage_is_replaced_by_the_supporting_one():
    checked = check_answer("Mr. Kuramoto opened the meeting [7].", PASSAGES)
    assert checked.text == "Mr. Kuramoto opened the meeting [1]."
    assert checked.citations[0].passage.id == "2"


def test_a_wrong_citation_is_replaced_and_an_unmarked_sentence_gets_one():
    checked = check_answer("24 officials took part [2]. It was opened by Mr. Kuramoto in Bangkok", PASSAGES)
    assert checked.text == "24 officials took part [1]. It was opened by Mr. Kuramoto in Bangkok [2]."
    assert [c.passage.id for c in checked.citations] == ["1", "2"]


def test_an_invented_figure_is_not_supported():
    checked = check_answer("The fee is 5,000 euros [1].", PASSAGES)
    assert not checked.supported and checked.text == "" and checked.dropped_sentences == ["The fee is 5,000 euros."]
    assert support("Mr. Kuramoto opened the meeting in 2019.", PASSAGES[1].text) < 0.6


def test_an_unsupported_sentence_is_dropped_and_the_rest_kept():
    checked = check_answer("24 officials attended [1]. Each paid 300 dollars [1].", PASSAGES)
    assert checked.supported and checked.text == "24 officials attended [1]."


def test_a_fragment_claims_nothing():
    assert not check_answer("Likewise, [1].", PASSAGES).supported


def test_restating_the_question_is_not_an_answer():
    question = "How many officers took part in the Langkawi workshop?"
    assert not check_answer("Officers took part in the Langkawi workshop [1].", PASSAGES, question=question).supported
    assert check_answer("24 officers took part [1].", PASSAGES, question=question).supported


def test_the_quote_is_the_supporting_sentence_at_its_exact_place():
    checked = check_answer("It gathered 24 officials [1].", PASSAGES)
    citation = checked.citations[0]
    assert citation.quote == "The workshop in Langkawi gathered 24 Customs officials from ASEAN states."
    assert TEXT[citation.quote_start : citation.quote_end] == citation.quote


def test_copied_passage_headers_are_removed():
    raw = "[4] ROCB A/P E-Newsletter No. 83 (Oct–Dec 2023) — Canine report\nAnswer: 24 officials came [1]."
    assert strip_echoes(raw) == "24 officials came [1]."
