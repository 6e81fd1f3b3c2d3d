"""Questions that name an issue or a time narrow retrieval, by plain patterns."""

from datetime import date

import pytest

from rag.retrieve.filters import IssueInfo, parse_filters

CATALOGUE = [
    IssueInfo("CTI News Vol. 17", "CTI News", "17", date(2019, 6, 1), date(2020, 6, 30)),
    IssueInfo("ROCB A/P E-Newsletter No. 62", "ROCB A/P E-Newsletter", "62", date(2018, 7, 1), date(2018, 9, 30)),
    IssueInfo("ROCB A/P E-Newsletter No. 76", "ROCB A/P E-Newsletter", "76", date(2022, 1, 1), date(2022, 3, 31)),
    IssueInfo("ROCB A/P E-Newsletter No. 79", "ROCB A/P E-Newsletter", "79", date(2022, 10, 1), date(2022, 12, 31)),
    IssueInfo("ROCB A/P E-Newsletter No. 83", "ROCB A/P E-Newsletter", "83", date(2023, 10, 1), date(2023, 12, 31)),
]


def allowed(question: str) -> set[str]:
    filters = parse_filters(question, CATALOGUE)
    return {i.label for i in CATALOGUE if filters.allows(i)}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What does No. 79 say about BACUDA?", {"ROCB A/P E-Newsletter No. 79"}),
        ("in issue 76, who visited?", {"ROCB A/P E-Newsletter No. 76"}),
        ("What did the CTI newsletter report on AEO?", {"CTI News Vol. 17"}),
        ("Which meetings were held in the last quarter of 2023?", {"ROCB A/P E-Newsletter No. 83"}),
        ("What happened in Q1 2022?", {"ROCB A/P E-Newsletter No. 76", "ROCB A/P E-Newsletter No. 79"}),
        ("Which workshops took place in 2022?", {f"ROCB A/P E-Newsletter No. {n}" for n in (76, 79, 83)}),
        ("What does the latest issue say about e-commerce?", {"ROCB A/P E-Newsletter No. 83"}),
        ("In the first ROCB A/P e-newsletter, who was Head?", {"ROCB A/P E-Newsletter No. 62"}),
        ("What did the most recent CTI newsletter cover?", {"CTI News Vol. 17"}),
    ],
)
def test_named_issue_or_time_narrows(question, expected):
    assert allowed(question) == expected


def test_a_time_reported_a_little_outside_an_issues_period_still_finds_it():
    # No. 62 covers Jul-Sep 2018 but reports the June 2018 OCO meeting.
    assert "ROCB A/P E-Newsletter No. 62" in allowed("What was decided at the OCO meeting in June 2018?")


def test_an_issue_may_report_an_event_up_to_a_year_later_but_not_two():
    # No. 79 (Oct-Dec 2022) reviews the laboratory's training of November 2021.
    found = allowed("What programme did the laboratory run for Uzbek officers in November 2021?")
    assert found == {"ROCB A/P E-Newsletter No. 76", "ROCB A/P E-Newsletter No. 79"}


@pytest.mark.parametrize(
    "question",
    [
        "Who opened the AEO workshop?",
        "What did ROCB A/P do on integrity?",
        "How many officers attended? 24 of them",
        "When was the first edition of the canine report published?",  # a report's edition, not an issue
    ],
)
def test_no_filter_without_a_named_issue_or_time(question):
    filters = parse_filters(question, CATALOGUE)
    assert not filters.active and filters.describe() == "none"


def test_a_number_or_time_no_issue_has_is_not_applied():
    assert not parse_filters("What does No. 99 say?", CATALOGUE).active
    assert not parse_filters("What happened in 1995?", CATALOGUE).active


def test_the_reason_is_reported():
    filters = parse_filters("In No. 83, who wrote the canine report?", CATALOGUE)
    assert "ROCB A/P E-Newsletter No. 83" in filters.describe()


def test_the_latest_issue_is_named_in_the_reason():
    assert parse_filters("What is in the latest issue?", CATALOGUE).describe() == "issue ROCB A/P E-Newsletter No. 83, the latest one"
