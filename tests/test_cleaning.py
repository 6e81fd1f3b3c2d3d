"""What PDF extraction leaves behind is repaired, and nothing real is broken."""

from rag.ingest.cleaning import clean_blocks, is_dateline


def texts(raw: str) -> list[str]:
    return [b.text for b in clean_blocks(raw)]


def test_hard_wrapped_double_spaced_lines_become_one_paragraph():
    line = "Customs administrations continue to make best efforts to respond to the New Normal by "
    raw = "\n\n".join([line.strip() + f" ensuring part {i} of the work goes on without any pause at all" for i in range(30)])
    raw += "\n\nThe end of it all.\n"
    blocks = texts(raw)
    assert len(blocks) <= 2, blocks[:3]
    assert "part 0" in blocks[0] and "part 29" in blocks[0]


def test_line_end_hyphens_keep_real_hyphens_and_rejoin_split_words():
    raw = (
        "Welcome to this E-\n\nNewsletter from the region.\n\n"
        "We met in the Asia-\nPacific region for an in-\nperson meeting on organi-\nzation of work.\n\n"
        "The organization of work matters.\n"
    )
    joined = " ".join(texts(raw))
    assert "E-Newsletter" in joined
    assert "Asia-Pacific" in joined
    assert "in-person" in joined
    assert "organization of work on" not in joined and "organization of work." in joined
    assert "organi-zation" not in joined


def test_a_sentence_cut_by_a_page_break_is_rejoined_but_titles_and_footnotes_stand_alone():
    cut = (
        "At the Ceremony, Shri S. Ramesh, Chairman of the CBIC delivered his welcome address, in which he touched upon"
        " capacity building in cooperation with the ROCB A/P and other regional bodies, such as WCO Regional\n\n\n\n"
        "Training Centers and Regional Customs Laboratories. Then, Dr. Mikuriya made a keynote address.\n"
    )
    assert texts(cut) == [cut.replace("\n\n\n\n", " ").strip()]
    title = "WCO A/P Regional High-Level Seminar of Cross-Border E-Commerce\n\n\n16-17 July 2018, New Delhi, India\n"
    assert len(texts(title)) == 2
    footnote = (
        "Through the BACUDA (Data Analytics) Scholarship program for customs officials of the region in the past year, I would\n\n"
        '\u00b9 "BACUDA" is an abbreviation of "Band of Customs Data Analysts".\n'
    )
    assert len(texts(footnote)) == 2


def test_a_sentence_cut_by_footnotes_goes_on_after_them():
    raw = (
        "The tool helps members assess their policies. The GEOAT originally launched in 2014\n\n\n\n"
        "\u2075 <https://sdgs.un.org/2030agenda>\n\n"
        "\u2076 The declaration of the Council on Gender Equality.\n\n"
        "and was first updated in 2019. It was revised in 2023.\n"
    )
    blocks = texts(raw)
    assert "The GEOAT originally launched in 2014 and was first updated in 2019." in blocks[0]
    assert blocks[1:] == ["\u2075 <https://sdgs.un.org/2030agenda>", "\u2076 The declaration of the Council on Gender Equality."]


def test_page_numbers_and_contents_page_references_are_dropped():
    raw = "Contents\n\nKorea Regional Customs Laboratory Brief\t1\nAre you interested in A-CIP?\t9\n\n12\n\nBody text here.\n"
    blocks = clean_blocks(raw)
    contents = [b.text for b in blocks if b.kind == "contents"]
    assert contents == ["Korea Regional Customs Laboratory Brief", "Are you interested in A-CIP?"]
    assert "12" not in [b.text for b in blocks]


def test_markdown_emphasis_and_links_are_stripped_and_headings_kept():
    raw = (
        "# CTI News\n\n## Message from the Director\n\n***Topics of This Edition***\n\n"
        "E-mail: [cti@mof.go.jp](mailto:cti@mof.go.jp) and **bold** words.\n\n"
        "- ***The Japan Customs Conducts On-line Training*** ***P.4***\n\n## Second heading\n\nText.\n"
    )
    blocks = clean_blocks(raw)
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert headings == ["CTI News", "Message from the Director", "Second heading"]
    joined = " ".join(b.text for b in blocks)
    assert "*" not in joined and "](" not in joined
    assert "E-mail: cti@mof.go.jp and bold words." in joined
    assert "The Japan Customs Conducts On-line Training" in [b.text for b in blocks if b.kind == "contents"]


def test_whitespace_only_lines_and_blank_runs_vanish():
    raw = "First paragraph.\n   \n\n\n\t\nSecond paragraph.\n"
    assert texts(raw) == ["First paragraph.", "Second paragraph."]


def test_a_date_broken_over_two_lines_stays_in_one_sentence():
    raw = "The Seminar was held in Sanya, China from 19th to 20th\nDecember 2023 in a hybrid form. It gathered 180 representatives.\n"
    assert [block.text for block in clean_blocks(raw)] == [
        "The Seminar was held in Sanya, China from 19th to 20th December 2023 in a hybrid form. It gathered 180 representatives."
    ]
    dashed = "Mr. Kuramoto joined the conference held virtually on 8 \n\n– 9 February 2022.  Ms. Yu also joined.\n"
    assert [block.text for block in clean_blocks(dashed)] == [
        "Mr. Kuramoto joined the conference held virtually on 8 – 9 February 2022. Ms. Yu also joined."
    ]  # the dash continues the date: no list item


def test_a_dateline_names_a_day_and_month_and_a_numbered_line_is_none():
    assert is_dateline("4th December 2023, Bangkok, Thailand") and is_dateline("28 March - 1 April 2022, Bangkok, Thailand")
    assert is_dateline("24th -25th February 2022")
    assert not is_dateline("2 Overview of Hadoop Ecosystem") and not is_dateline("20th Regional Training Center (RTC) Heads Meeting")
