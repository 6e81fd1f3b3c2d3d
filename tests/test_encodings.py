"""Newsletters saved in another encoding than UTF-8 are read, with a warning naming the encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest import load_documents
from rag.ingest.readers import read_source
from tests.conftest import settings_for

# A Windows-saved issue: "café" (é is 0xE9) and en dashes (0x96, which latin-1 has no character for).
NEWSLETTER = """ROCB A/P E-Newsletter No. 91

Foreword

This E-Newsletter features activities in the second quarter of WCO Fiscal Year 2025/26 (October – December 2025).

Regional Workshop on Coordinated Border Management

15–19 November 2025, Nouméa, New Caledonia

Thirty officers from twelve Pacific administrations met for a week of practical exercises on risk-based targeting \
and joint inspections at the border. Between sessions the participants gathered at the café of the customs house, \
where the host administration presented its new single window – a project five years in the making – and answered \
questions on how traders lodge declarations before a vessel arrives.

The ROCB A/P thanks the Government of New Caledonia for hosting the workshop and the café staff for their welcome.
"""


def write_cp1252(path: Path, text: str = NEWSLETTER) -> Path:
    path.write_bytes(text.encode("cp1252"))
    return path


def test_a_cp1252_newsletter_is_read_with_its_accents_and_dashes_and_a_warning_naming_the_encoding(tmp_path):
    path = write_cp1252(tmp_path / "issue91.txt")
    assert len(NEWSLETTER) > 500

    source = read_source(path)
    assert source.detected_encoding == "cp1252"
    assert source.text == NEWSLETTER  # every character back as it was written

    documents, warnings = load_documents([tmp_path])
    assert [d.doc_id for d in documents] == ["issue91.txt"]
    text = documents[0].text
    assert "café of the customs house" in text and "single window – a project" in text and "15–19 November" in text
    assert warnings == [f"{path} is not UTF-8; read it as cp1252"]


def test_an_english_issue_the_detector_ranks_as_a_central_european_code_page_keeps_its_cafe(tmp_path):
    """charset-normalizer 3.5 ranks this text mac_latin2 first ("cafť"); the reader settles the tie on cp1252."""
    text = (
        "CTI News Vol. 18\n\nThe café at the Customs Training Institute reopened in July 2020 – after three months "
        "closed – and the trainees from Fiji, Samoa and Tonga met there after class to talk about valuation, origin "
        "and post-clearance audit.\n"
    ) * 2
    source = read_source(write_cp1252(tmp_path / "vol18.txt", text))
    assert (source.detected_encoding, source.text) == ("cp1252", text)


@pytest.mark.slow
def test_a_cp1252_newsletter_is_indexed_and_cafe_is_found(tmp_path, embedder):
    from rag.index.build import build_index
    from rag.retrieve.retriever import Retriever

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_cp1252(corpus / "issue91.txt")
    settings = settings_for(tmp_path / "index")
    report = build_index(settings, [corpus], embedder=embedder, progress=False)
    assert report.documents == 1
    assert any("issue91.txt" in w and "cp1252" in w for w in report.warnings)

    hits = Retriever.open(settings=settings, embedder=embedder).search("café", k=3, mode="bm25").hits
    assert hits and "café" in hits[0].passage.text


def test_a_utf8_newsletter_gives_no_warning_with_or_without_a_byte_order_mark(tmp_path):
    (tmp_path / "plain.txt").write_text(NEWSLETTER, encoding="utf-8")
    (tmp_path / "bom.txt").write_text(NEWSLETTER, encoding="utf-8-sig")
    assert read_source(tmp_path / "bom.txt").text == NEWSLETTER  # the BOM is not part of the text
    documents, warnings = load_documents([tmp_path])
    assert sorted(d.doc_id for d in documents) == ["bom.txt", "plain.txt"]
    assert warnings == []
    assert all("café of the customs house" in d.text for d in documents)


def test_binary_and_empty_files_are_still_skipped_with_their_reasons(tmp_path):
    write_cp1252(tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 500)
    (tmp_path / "noise.txt").write_bytes(bytes(range(1, 256)) * 20)  # no NUL, but no encoding makes text of it
    documents, warnings = load_documents([tmp_path])
    assert [d.doc_id for d in documents] == ["good.txt"]
    reasons = {Path(w.split(": ", 1)[0].removeprefix("skipped ")).name: w for w in warnings if w.startswith("skipped ")}
    assert set(reasons) == {"empty.txt", "binary.txt", "noise.txt"}
    assert "holds no text" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "no encoding decodes it with confidence" in reasons["noise.txt"]
