"""The question is read once into a Question: what it asks with, what kind of answer it wants,
what it pins down, what it follows up, and which issue it names."""

import pytest

from rag.answer.question import analyse
from rag.errors import QueryError
from rag.terms import content_terms

EARLIER = "Where was the 21st RTC Heads meeting held?"


def best_label(question) -> str:
    return max(question.label_weights, key=question.label_weights.get)


def stems(text: str) -> set[str]:
    return set(content_terms(text))


def test_who_asks_for_a_person():
    question = analyse("Who opened the 21st RTC Heads meeting?")
    assert question.asking == "who"
    assert question.wants_entity and best_label(question) == "PERSON"


def test_when_asks_for_a_date():
    question = analyse("When was the 21st RTC Heads meeting held?")
    assert question.asking == "when"
    assert best_label(question) == "DATE"
    assert "PERSON" not in question.label_weights


def test_how_many_officers_asks_for_a_count_of_officers():
    question = analyse("How many officers attended the workshop?")
    assert question.asking == "how many"
    assert question.asked_noun == "officer"
    assert best_label(question) == "CARDINAL"


def test_which_administration_asks_for_an_organisation():
    question = analyse("Which administration hosted the 21st RTC Heads meeting?")
    assert question.asking == "which"
    assert question.asked_noun == "administration"
    assert "ORG" in question.label_weights
    assert best_label(question) == "ORG"  # an administration is an organisation before it is a period
    assert "PERSON" not in question.label_weights


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("Which Japanese Ministry of Finance official opened the workshop?", "official"),
        ("Which Director General of the Korea Customs Service made a courtesy visit?", "general"),
    ],
)
def test_which_asks_for_the_head_of_its_noun_phrase_not_the_name_before_it(text, noun):
    question = analyse(text)
    assert question.asked_noun == noun
    assert best_label(question) == "PERSON"


@pytest.mark.parametrize(
    "text",
    [
        "On which dates in June 2018 was the Oceania Customs Organisation Annual Meeting held?",  # the tagger reads "dates" as a verb
        "On what dates in February 2024 are the meetings scheduled in Brussels?",
    ],
)
def test_which_dates_asks_for_a_date_though_the_tagger_reads_a_verb(text):
    question = analyse(text)
    assert question.asked_noun == "date" and best_label(question) in ("DATE", "TIME")


def test_which_city_asks_for_a_place_and_pins_the_centre_it_names():
    question = analyse("In which city is RTC Indonesia located?")
    assert question.asked_noun == "city"
    assert best_label(question) == "GPE"
    assert stems("RTC Indonesia") <= question.pins


def test_what_is_an_acronym_wants_a_description_not_an_entity():
    question = analyse("What is BACUDA?")
    assert question.asking == "what"
    assert not question.wants_entity and question.label_weights == {}
    assert "bacuda" in question.pins


def test_where_asks_for_a_place_not_a_person_or_date():
    question = analyse(EARLIER)
    assert question.asking == "where"
    assert best_label(question) in ("GPE", "LOC", "FAC")
    assert not {"PERSON", "DATE"} & set(question.label_weights)


def test_a_terse_lowercase_query_asking_for_a_venue_wants_a_place():
    question = analyse("rtc heads meeting venue")
    assert question.asking == ""
    assert question.asked_noun == "venue"
    assert best_label(question) in ("GPE", "LOC", "FAC")


def test_a_terse_query_without_asking_word_pins_its_year_and_acronym():
    question = analyse("rocb head 2023")
    assert question.asking == ""
    assert {"2023", "rocb"} <= question.pins


def test_the_question_is_searched_as_asked_when_it_stands_alone():
    question = analyse("  Who is the Head of ROCB A/P?  ", earlier=[EARLIER])
    assert not question.follow_up and question.earlier == ""
    assert question.text == question.searched == "Who is the Head of ROCB A/P?"


def test_and_who_opened_it_follows_up_the_earlier_question():
    question = analyse("and who opened it?", earlier=[EARLIER])
    assert question.follow_up and question.earlier == EARLIER
    assert question.asking == "who" and best_label(question) == "PERSON"
    assert "21st" in question.searched and "RTC Heads meeting" in question.searched
    assert stems("21st RTC Heads meeting") <= set(question.focus)


def test_what_about_the_22nd_keeps_asking_where():
    question = analyse("What about the 22nd?", earlier=[EARLIER])
    assert question.follow_up
    assert question.asking == "where"
    assert best_label(question) in ("GPE", "LOC", "FAC")
    assert "22nd" in question.pins  # it is now about the 22nd meeting
    assert "RTC Heads meeting" in question.searched


def test_the_last_earlier_question_is_the_one_followed_up():
    question = analyse("and who opened it?", earlier=["What is BACUDA?", EARLIER, "   "])
    assert question.earlier == EARLIER


def test_a_follow_up_without_history_is_a_question_of_its_own():
    question = analyse("and who opened it?")
    assert not question.follow_up and question.searched == "and who opened it?"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_an_empty_question_is_refused(text):
    with pytest.raises(QueryError):
        analyse(text)


@pytest.mark.slow
def test_naming_an_issue_narrows_to_it(retriever):
    question = analyse("What does No. 79 say about BACUDA?", catalogue=retriever.catalogue)
    assert question.filters.issues == {"ROCB A/P E-Newsletter No. 79"}
    assert "No. 79" in question.filters.describe()


@pytest.mark.slow
def test_a_question_naming_no_issue_or_time_is_not_narrowed(retriever):
    assert not analyse("Who opened the 21st RTC Heads meeting?", catalogue=retriever.catalogue).filters.active


@pytest.mark.slow
def test_a_follow_up_keeps_the_issue_the_earlier_question_named(retriever):
    question = analyse("and who opened it?", catalogue=retriever.catalogue, earlier=["What workshop is reported in No. 79?"])
    assert question.follow_up
    assert question.filters.issues == {"ROCB A/P E-Newsletter No. 79"}


def test_which_hotel_asks_for_a_building_or_a_body_before_a_town():
    question = analyse("Which hotel hosted the 32nd RCP meeting in Brisbane?")
    assert question.asked_noun == "hotel"
    assert best_label(question) in ("FAC", "ORG")
    assert question.label_weights.get("GPE", 0.0) < question.label_weights["FAC"]


def test_an_adjective_of_a_country_pins_the_country():
    question = analyse("In which Fijian city was the May 2018 Regional Heads of Customs Administration Conference held?")
    assert stems("Fiji") <= question.pins
    assert best_label(question) == "GPE"


@pytest.mark.parametrize(
    ("text", "noun", "labels"),
    [
        ("What was the name of the hotel that hosted the seminar?", "hotel", {"FAC", "ORG"}),
        ("customs college principal name", "principal", {"PERSON"}),
        ("name of the officer at the 2021 workshop in busan", "officer", {"PERSON"}),
    ],
)
def test_the_name_of_something_asks_for_the_thing_named(text, noun, labels):
    question = analyse(text)
    assert question.asked_noun == noun
    assert best_label(question) in labels


@pytest.mark.parametrize(
    ("text", "noun"), [("What was the theme of the 2021 RTC heads meeting?", "theme"), ("purpose of the rilo workshop in busan", "purpose")]
)
def test_the_theme_of_a_meeting_asks_for_a_theme_not_a_meeting(text, noun):
    question = analyse(text)
    assert question.asked_noun == noun
    assert not question.wants_entity  # a description, not the name of a body that met


@pytest.mark.parametrize(
    ("text", "noun", "labels"),
    [
        ("venue of the 33rd rilo ncp meeting jakarta 2019", "venue", {"GPE", "LOC", "FAC"}),
        ("exact date of the rtc heads meeting in 2023", "date", {"DATE"}),
        ("bacuda workshop number of participants", "number", {"CARDINAL", "QUANTITY"}),
        ("kcs contribution to the wco fund", "contribution", None),
    ],
)
def test_a_search_box_query_asks_for_the_head_of_its_noun_phrase(text, noun, labels):
    question = analyse(text)
    assert question.asking == ""
    assert question.asked_noun == noun
    if labels:
        assert best_label(question) in labels
