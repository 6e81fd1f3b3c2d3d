"""Finding the answer sentence, and composing the answer from it and the model's reply."""

import pytest

from rag.answer_finder import AnswerFinder, Asked, Candidate, asked_for, content_terms, has_asked_for, top_per_passage
from rag.composer import compose, find_disagreement
from rag.passages import Passage


def _passage(issue: str, date_end: str, text: str, start: int = 100) -> Passage:
    return Passage(f"id-{issue}", f"doc-{issue}", issue, "ROCB A/P E-Newsletter", issue[-2:], None, date_end, date_end[:7], "Members", start, start + len(text), text)


def _candidate(passage: Passage, sentence: str, score: float, index: int = 0) -> Candidate:
    begin = passage.text.index(sentence)
    return Candidate(index, passage, begin, begin + len(sentence), score, {})


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many delegates did the Philippines send?", Asked.NUMBER),
        ("On what dates was the workshop held?", Asked.DATE),
        ("Who opened the AEO workshop?", Asked.PERSON),
        ("In which city was the IT Conference held?", Asked.PLACE),
        ("What does BACUDA stand for?", Asked.OTHER),
    ],
)
def test_the_kind_of_answer_is_read_from_the_question(question, kind):
    assert asked_for(question) is kind


def test_a_number_question_wants_a_number_the_question_does_not_hold():
    asked = set(content_terms("How many people attended the 21st meeting?"))
    assert has_asked_for(Asked.NUMBER, "About 50 participants attended the 21st meeting.", asked) == 1.0
    assert has_asked_for(Asked.NUMBER, "The 21st meeting was held in Kashiwa in 2023.", asked) == 0.0


@pytest.mark.slow
def test_the_sentence_that_answers_ranks_first_on_the_real_corpus(retriever):
    finder = AnswerFinder(retriever.embedder, corpus_texts=[p.text for p in retriever.passages])
    question = "Which dog breed is used most widely by customs detector dog units?"
    ranked = finder.rank(question, [h.passage for h in retriever.search(question, k=5).hits])
    assert "Labrador" in ranked[0].text
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    best = top_per_passage(ranked, 3)
    assert len({c.passage_index for c in best}) == len(best) <= 3


def test_a_reply_that_names_what_the_best_sentence_lacks_is_replaced_by_that_sentence():
    passage = _passage("No. 83", "2023-12-31", "The meeting was held in Kashiwa, Japan. It was opened by Mr. AOYAMA.")
    best = _candidate(passage, "The meeting was held in Kashiwa, Japan.", 0.8)
    composed = compose("The meeting was held in Osaka [1].", [best], question="Where was the meeting held?", threshold=0.6)
    assert composed.source == "extract" and composed.text == "The meeting was held in Kashiwa, Japan. [1]"
    citation = composed.citations[0]
    assert citation.quote == best.text and citation.quote_start == passage.start + best.start


def test_a_supported_reply_is_kept_in_the_models_words():
    passage = _passage("No. 83", "2023-12-31", "The meeting was held in Kashiwa, Japan. It was opened by Mr. AOYAMA.")
    best = _candidate(passage, "The meeting was held in Kashiwa, Japan.", 0.8)
    composed = compose("It took place in Kashiwa [1].", [best], question="Where was the meeting held?", threshold=0.6)
    assert composed.source == "model" and "Kashiwa" in composed.text and composed.citations[0].passage is passage


def test_when_issues_give_different_figures_the_newest_answers_and_both_are_cited():
    old = _passage("No. 62", "2018-09-30", "The Asia/Pacific region has 33 WCO Members.")
    new = _passage("No. 83", "2023-12-31", "The Asia/Pacific region has 34 WCO Members.")
    older_best = _candidate(old, old.text, 0.80, 0)
    newer = _candidate(new, new.text, 0.78, 1)
    assert find_disagreement(older_best, [newer]) is newer
    composed = compose("NOT FOUND", [older_best, newer], question="How many WCO Members are in the region?", threshold=0.6)
    assert composed.text.startswith("The Asia/Pacific region has 34 WCO Members. [1]")
    assert "earlier issue, No. 62" in composed.text and composed.text.endswith("[2]")
    assert [c.passage.issue for c in composed.citations] == ["No. 83", "No. 62"]


def test_the_same_figure_in_two_issues_is_no_disagreement():
    a = _passage("No. 62", "2018-09-30", "The Asia/Pacific region has 33 WCO Members.")
    b = _passage("No. 83", "2023-12-31", "The Asia/Pacific region has 33 WCO Members.")
    assert find_disagreement(_candidate(a, a.text, 0.8), [_candidate(b, b.text, 0.8, 1)]) is None
