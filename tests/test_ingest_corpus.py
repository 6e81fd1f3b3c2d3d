"""Ingestion of the five bundled issues: metadata read from the text, articles found."""

from datetime import date

import pytest

from rag.ingest import load_document, load_documents
from tests.conftest import CORPUS

EXPECTED = {
    "cti-news-vol17-2020-06.txt": ("CTI News", "17", "Vol.", None, None, date(2020, 6, 1)),
    "rocb-ap-e-newsletter-no62-2018-q3.txt": ("ROCB A/P E-Newsletter", "62", "No.", date(2018, 7, 1), date(2018, 9, 30), None),
    "rocb-ap-e-newsletter-no83-2023-q4.txt": ("ROCB A/P E-Newsletter", "83", "No.", date(2023, 10, 1), date(2023, 12, 31), date(2024, 1, 1)),
    "rocb-ap-e-newsletter-no79-2022-q4.txt": ("ROCB A/P E-Newsletter", "79", "No.", date(2022, 10, 1), date(2022, 12, 31), date(2023, 1, 1)),
    "rocb-ap-e-newsletter-no76-2022-q1.txt": ("ROCB A/P E-Newsletter", "76", "No.", date(2022, 1, 1), date(2022, 3, 31), None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_issue_metadata_comes_from_the_text(name, tmp_path):
    # Copied under a name that says nothing, so the file name cannot be what answered.
    anonymous = tmp_path / "issue.txt"
    anonymous.write_bytes((CORPUS / name).read_bytes())
    meta = load_document(anonymous).metadata
    series, number, kind, start, end, published = EXPECTED[name]
    assert meta.source == "text"
    assert (meta.series, meta.number, meta.number_kind) == (series, number, kind)
    assert meta.label == f"{series} {kind} {number}"
    if start:
        assert (meta.period_start, meta.period_end) == (start, end)
    if published:
        assert meta.published == published


def test_cleaned_corpus_has_no_extraction_debris():
    documents, warnings = load_documents([CORPUS])
    assert warnings == [] and len(documents) == 5
    for document in documents:
        text = document.text
        assert "***" not in text and "\n\n\n" not in text
        assert "E- Newsletter" not in text
        for line in text.split("\n"):
            assert line.strip() == line or not line, f"stray whitespace in {document.doc_id}: {line!r}"
            assert not line.strip().isdigit(), f"lone page number in {document.doc_id}: {line!r}"


@pytest.mark.parametrize(
    ("name", "title", "phrase"),
    [
        ("rocb-ap-e-newsletter-no62-2018-q3.txt", "Thai Customs Talent Management", "Pre-Talents"),
        ("rocb-ap-e-newsletter-no83-2023-q4.txt", "21st Regional Training Center (RTC) Heads Meeting", "Kashiwa"),
        ("rocb-ap-e-newsletter-no79-2022-q4.txt", "Korea Regional Customs Laboratory Brief", "Jin-Cheol Yang"),
        ("cti-news-vol17-2020-06.txt", "Workshop on Customs Surveillance and Control for Senegal", "Senegal"),
        ("rocb-ap-e-newsletter-no76-2022-q1.txt", "Hong Kong Customs College Continually Enhances Training Professionalism", "committed to cultivating"),
        # Numbered in the body ("1. Workshop on ..."), not in the contents list.
        ("cti-news-vol17-2020-06.txt", "Workshop on Post Clearance Audit /Customs Valuation for Myanmar", "Phay Kyaing"),
        ("rocb-ap-e-newsletter-no79-2022-q4.txt", "Foreword", "Happy New Year 2023"),
    ],
)
def test_articles_are_split_with_their_titles(name, title, phrase):
    document = load_document(CORPUS / name)
    section = next((s for s in document.sections if s.title.startswith(title)), None)
    assert section is not None, [s.title for s in document.sections]
    assert phrase in document.text[section.start : section.end]


def test_sections_cover_the_text_in_order():
    for document in load_documents([CORPUS])[0]:
        spans = [(s.start, s.end) for s in document.sections]
        assert spans == sorted(spans)
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
        assert spans[0][0] == 0 and spans[-1][1] == len(document.text)


def test_a_signature_belongs_to_the_article_it_signs():
    """"Kazunari Igarashi" / "Head of the ROCB A/P" under the foreword are not two articles of a few words."""
    document = load_document(CORPUS / "rocb-ap-e-newsletter-no62-2018-q3.txt")
    titles = [s.title for s in document.sections]
    assert "Kazunari Igarashi" not in titles and "Head of the ROCB A/P" not in titles
    foreword = next(s for s in document.sections if s.title == "FOREWORD")
    assert document.text[foreword.start : foreword.end].rstrip().endswith("Kazunari Igarashi\n\nHead of the ROCB A/P\n\nContents")


def test_a_news_item_the_contents_list_leaves_out_is_an_article_of_its_own():
    """Its title with a dateline under it starts it; before, its sentences were cited under the article above."""
    document = load_document(CORPUS / "rocb-ap-e-newsletter-no83-2023-q4.txt")
    meeting = next(s for s in document.sections if s.title.startswith("21st Regional Training Center"))
    assert "Global Future Talent Program" not in document.text[meeting.start : meeting.end]
    visit = next(s for s in document.sections if "Young Officials Visit" in s.title)
    assert document.text[visit.start : visit.end].split("\n\n")[1] == "4th December 2023, Bangkok, Thailand"
    # A title too long for a heading (17 words), its dateline under it
    document = load_document(CORPUS / "rocb-ap-e-newsletter-no79-2022-q4.txt")
    workshop = next(s for s in document.sections if s.title.startswith("ROCB A/P attends the Thailand Maritime Stakeholder Workshop"))
    assert "Frontline Customs Officers' Guide" in document.text[workshop.start : workshop.end]
    assert not any("Frontline Customs Officers' Guide" in document.text[s.start : s.end] for s in document.sections if "RILO" in s.title)


def test_bad_sources_are_skipped_with_a_warning_naming_them(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes((CORPUS / "rocb-ap-e-newsletter-no79-2022-q4.txt").read_bytes())
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 500)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    documents, warnings = load_documents([tmp_path])
    assert [d.doc_id for d in documents] == ["good.txt"]  # a file in another encoding is read: tests/test_encodings.py
    named = " ".join(warnings)
    for bad in ("empty.txt", "binary.txt", "broken.pdf"):
        assert bad in named


def test_a_pdf_newsletter_is_read(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    body = (
        "ROCB A/P E-Newsletter No. 90\n\nForeword\n\nThis E-Newsletter features activities in the first quarter of "
        "WCO Fiscal Year 2025/26 (July through September 2025). The Regional Workshop on Risk Management was held "
        "in Suva, Fiji, and gathered thirty officers from twelve Pacific administrations to practise targeting."
    )
    pdf.multi_cell(0, 6, body)
    path = tmp_path / "issue90.pdf"
    pdf.output(str(path))
    document = load_document(path)
    assert document.metadata.label == "ROCB A/P E-Newsletter No. 90"
    assert document.metadata.period_start == date(2025, 7, 1)
    assert "Suva, Fiji" in document.text
