"""Splitting a question that asks two things into parts searched on their own."""

from rag.question_parts import QuestionPart, asked_in_setting, follow_up_pieces, points_back, question_parts


def test_a_plain_question_is_one_part():
    question = "Where was the 21st RTC Heads meeting held?"
    assert question_parts(question) == [QuestionPart(question, question)]


def test_a_second_asking_clause_is_a_second_part_searched_with_the_first_parts_words():
    first, second = question_parts("Who was Head of the ROCB A/P in mid-2018, and who held that post in late 2023?")
    assert first == QuestionPart("Who was Head of the ROCB A/P in mid-2018?", "Who was Head of the ROCB A/P in mid-2018?")
    assert second.asked == "Who held that post in late 2023?"
    assert second.searched == "Who held that post in late 2023? (was Head of the ROCB A/P in mid-2018)"  # what "that post" is


def test_parts_joined_without_a_comma_are_split_too():
    parts = question_parts("Compare the 2018 and 2023 contact points meetings: where was each held and how many delegates attended each?")
    assert [p.asked for p in parts] == ["Compare the 2018 and 2023 contact points meetings: where was each held?", "How many delegates attended each?"]


def test_a_part_too_short_to_search_alone_leaves_the_question_whole():
    question = "Which workshop did the ROCB A/P host, and when?"
    assert question_parts(question) == [QuestionPart(question, question)]
    assert len(question_parts("Which breeds and how many?")) == 1


def test_a_follow_up_keeps_its_own_asking_phrase_first_and_the_previous_question_as_context():
    previous = "Where was the 21st RTC Heads meeting held?"
    assert follow_up_pieces("And who opened it?", previous) == ("Who opened it?", "was the 21st RTC Heads meeting held")
    assert follow_up_pieces("what about the 20th?", previous) == (previous, "the 20th")  # the previous question, asked again


def test_only_a_question_that_leans_on_the_one_before_is_a_follow_up():
    assert points_back("And who opened it?") and points_back("What about the 20th?") and points_back("In 2019?")
    assert not points_back("Where was the 21st Regional Training Center Heads meeting held?")


def test_the_event_a_question_is_set_in_is_told_apart_from_what_it_asks():
    assert asked_in_setting("What did China Customs put forward at the APEC seminar held in Sanya in December 2023?") == (
        "What did China Customs put forward?",
        "at the APEC seminar held in Sanya in December 2023",
    )
    assert asked_in_setting("During the AEO workshop's site visit, which historic town did the group stop at?") == (
        "Which historic town did the group stop at?",
        "During the AEO workshop's site visit",
    )
    assert asked_in_setting("How many officers took part in the workshop organised by Japan Customs?") == (
        "How many officers took part in the workshop?",
        "organised by Japan Customs",
    )


def test_a_question_naming_no_event_keeps_all_its_words_as_what_it_asks():
    for question in (
        "What did each new recruit have to hand in at the close of every training day?",  # names nothing
        "In which city was the June 2018 WCO IT Conference held?",  # "In which" asks
        "What did the ROCB A/P present at the meeting?",
        "Who opened it? (was the 21st RTC Heads meeting held)",
    ):
        assert asked_in_setting(question) == (question, "")
