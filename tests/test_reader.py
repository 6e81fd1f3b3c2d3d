"""The reader: short-answer spans of a sentence, the shipped model file, and answering or abstaining
on the real index."""

import json

import numpy as np
import pytest

from rag.answer.candidates import without_enumerators
from rag.answer.compose import extracted
from rag.answer.features import ANSWER_FEATURES, MARGIN_CAP, SENTENCE_FEATURES, SPAN_FEATURES, SPAN_FLOOR, Rarity, answer_row, span_rows
from rag.answer.question import analyse
from rag.answer.reader import Reader
from rag.answer.spans import of_wanted_kind
from rag.answer.scorer import MODEL_FILE, ReaderModel
from rag.answer.spans import candidate_spans
from rag.errors import ConfigError
from rag.nlp import pipeline

KASHIWA = "The 21st RTC Heads meeting was held in Kashiwa, Japan."
OPENING = "The workshop was opened by Mr. Norikazu Kuramoto, Head of ROCB A/P, on 14 November 2023 in Bangkok."


def parsed(sentence: str):
    doc = pipeline()(sentence)
    return doc, [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def spans_of(sentence: str):
    doc, entities = parsed(sentence)
    return candidate_spans(doc, entities)


# Spans


def test_a_town_and_its_country_are_offered_together():
    spans = spans_of(KASHIWA)
    joined = [s for s in spans if s.text == "Kashiwa, Japan"]
    assert joined and joined[0].kind == "joined" and joined[0].label == "GPE"
    assert {"Kashiwa", "Japan"} <= {s.text for s in spans if s.kind == "entity"}


@pytest.mark.parametrize("sentence", [KASHIWA, OPENING])
def test_every_span_is_the_sentence_text_at_its_offsets(sentence):
    spans = spans_of(sentence)
    assert spans
    for span in spans:
        assert sentence[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text


@pytest.mark.parametrize("sentence", [KASHIWA, OPENING])
def test_each_stretch_of_the_sentence_is_offered_once(sentence):
    offsets = [(s.start, s.end) for s in spans_of(sentence)]
    assert len(offsets) == len(set(offsets))


def test_a_span_keeps_the_closing_quotation_mark_of_a_quote_it_opens():
    sentence = '"BACUDA" is an abbreviation of "Band of Customs Data Analysts" and means "to change" in Korean.'
    texts = [s.text for s in spans_of(sentence)]
    assert all(t.count('"') % 2 == 0 for t in texts)  # no span opens a quote it does not close
    assert any('"Band of Customs Data Analysts"' in t for t in texts)


def test_the_person_and_the_date_of_an_opening_are_candidates():
    texts = {s.text for s in spans_of(OPENING)}
    assert {"Norikazu Kuramoto", "14 November 2023", "Bangkok"} <= texts


def test_a_where_question_keeps_only_the_place():
    spans = spans_of(OPENING)
    kept = of_wanted_kind(analyse("Where was the workshop opened?"), spans)
    assert [s.text for s in kept] == ["Bangkok"]


def test_a_who_question_keeps_the_person_and_a_when_question_the_date():
    spans = spans_of(OPENING)
    assert [s.text for s in of_wanted_kind(analyse("Who opened the workshop?"), spans)] == ["Norikazu Kuramoto"]
    assert [s.text for s in of_wanted_kind(analyse("When was the workshop opened?"), spans)] == ["14 November 2023"]


def test_a_where_question_over_a_sentence_naming_a_place_drops_its_ordinal_and_phrases():
    kept = of_wanted_kind(analyse("Where was the 21st RTC Heads meeting held?"), spans_of(KASHIWA))
    texts = {s.text for s in kept}
    assert "Kashiwa, Japan" in texts
    assert "21st" not in texts and all(s.label for s in kept)


def test_a_what_is_question_keeps_every_span():
    spans = spans_of(OPENING)
    assert of_wanted_kind(analyse("What is BACUDA?"), spans) == spans


def test_a_question_of_a_kind_the_sentence_lacks_keeps_every_span():
    spans = spans_of(KASHIWA)  # no date in it
    assert of_wanted_kind(analyse("When was the workshop opened?"), spans) == spans


# Candidates


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("2. Workshop on Risk Management for the Philippines Customs 18-22 November, 2019", "2"),
        ("There are three essays, namely (1) the A-CIP Programme by myself and (2) the Guide.", "1"),
        ("1) WCO Instruments and Tools", "1"),
    ],
)
def test_a_number_that_numbers_a_list_item_is_no_count(sentence, number):
    _doc, entities = parsed(sentence)
    assert number in {sentence[a:b] for a, b, _label in entities}  # the recogniser takes it for a cardinal
    kept = {sentence[a:b] for a, b, _label in without_enumerators(entities, sentence, 0)}
    assert number not in kept


def test_a_count_at_the_start_of_a_sentence_stays():
    sentence = "12 Philippine delegates attended the workshop in 2019."
    _doc, entities = parsed(sentence)
    assert "12" in {sentence[a:b] for a, b, label in without_enumerators(entities, sentence, 0) if label == "CARDINAL"}


# Span features


def span_feature(question: str, sentence: str, name: str, rarity: Rarity | None = None) -> dict[str, float]:
    """Each candidate's value of one SPAN_FEATURES column, by its text."""
    doc, entities = parsed(sentence)
    spans = candidate_spans(doc, entities)
    rows = span_rows(analyse(question), doc, spans, rarity)
    return {s.text: float(row[SPAN_FEATURES.index(name)]) for s, row in zip(spans, rows)}


COUNTED = "The workshop invited 25 members from 22 countries in the region."


def test_the_figure_that_counts_the_noun_asked_for_is_marked():
    counts = span_feature("How many countries were invited to the workshop?", COUNTED, "counts_noun")
    assert counts["22"] == 1.0 and counts["25"] == 0.0


def test_the_span_whose_setting_holds_the_rarer_question_words_scores_higher():
    sentence = "Mr. Norikazu Kuramoto, Head of ROCB A/P, and Mr. AOYAMA Shigetoshi, Managing Director of Japan Customs, gave remarks."
    rarity = Rarity(["Head of ROCB A/P", "ROCB A/P news", "Japan Customs", "Managing Director of the CTI", sentence])
    for name in ("local_words", "local_tree"):
        values = span_feature("Who was Managing Director of Japan Customs?", sentence, name, rarity)
        assert values["AOYAMA Shigetoshi"] > values["Norikazu Kuramoto"]
        gaps = span_feature("Who was Managing Director of Japan Customs?", sentence, f"{name}_gap", rarity)
        assert max(gaps.values()) == 0.0 and gaps["Norikazu Kuramoto"] < 0.0


def test_a_name_met_in_every_passage_is_less_rare_than_one_met_once():
    """The region's head is named in most reports: naming him is the guess any question meets."""
    sentence = "Mr. Norikazu Kuramoto, Head of ROCB A/P, thanked Mr Harry Mulya, who closed the conference."
    passages = [f"Mr. Norikazu Kuramoto attended meeting {n}." for n in range(20)] + [sentence]
    values = span_feature("Who closed the conference?", sentence, "rarity", Rarity(passages))
    assert 0.0 < values["Norikazu Kuramoto"] < values["Harry Mulya"] <= 1.0
    assert Rarity(passages).of_span(set()) == 0.0


def test_a_year_given_in_figures_is_told_from_a_vague_one():
    digits = span_feature("In what year did the regime start?", "The system started in 2017 and, in the same year, the regime began.", "digits")
    assert digits["2017"] == 1.0 and digits["the same year"] == 0.0


# The model file


def test_the_shipped_model_loads_with_the_features_of_this_version():
    model = ReaderModel.load()
    assert model.sentence.features == SENTENCE_FEATURES
    assert model.span.features == SPAN_FEATURES
    assert model.answer.features == ANSWER_FEATURES
    assert 0.0 < model.threshold < 1.0
    assert len(model.sentence.weights) == len(SENTENCE_FEATURES) and len(model.span.weights) == len(SPAN_FEATURES)
    assert len(model.answer.weights) == len(ANSWER_FEATURES)


def test_a_model_file_of_the_format_before_the_answer_model_is_refused(tmp_path):
    data = _shipped()
    data["format"] = 1
    del data["answer"]
    path = tmp_path / "reader_model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="format 1"):
        ReaderModel.load(path)


def test_the_answer_row_caps_the_margin_and_marks_a_sentence_with_no_short_answer():
    best = np.arange(len(SENTENCE_FEATURES), dtype=np.float32) / 100
    lone = dict(zip(ANSWER_FEATURES, answer_row(np.array([2.0]), best, None, None)))
    assert lone["sentence_logit"] == 2.0 and lone["sentence_margin"] == MARGIN_CAP
    assert lone["span_logit"] == SPAN_FLOOR and lone["span_label_fit"] == 0.0
    assert lone["cosine"] == pytest.approx(best[SENTENCE_FEATURES.index("cosine")])
    span = np.zeros(len(SPAN_FEATURES))
    span[SPAN_FEATURES.index("label_fit")] = 0.8
    close = dict(zip(ANSWER_FEATURES, answer_row(np.array([2.0, 1.5, -3.0]), best, 1.2, span)))
    assert close["sentence_margin"] == pytest.approx(0.5)
    assert close["span_logit"] == pytest.approx(1.2) and close["span_label_fit"] == pytest.approx(0.8)


def _shipped() -> dict:
    return json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def test_a_model_fitted_on_other_features_is_refused(tmp_path):
    data = _shipped()
    data["sentence"]["features"][0] = "an_old_feature"
    path = tmp_path / "reader_model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="other features"):
        ReaderModel.load(path)


def test_a_span_model_missing_a_feature_is_refused(tmp_path):
    data = _shipped()
    for key in ("features", "mean", "scale", "weights"):
        data["span"][key] = data["span"][key][:-1]
    path = tmp_path / "reader_model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError):
        ReaderModel.load(path)


def test_a_damaged_or_missing_model_file_is_a_config_error(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError):
        ReaderModel.load(broken)
    with pytest.raises(ConfigError):
        ReaderModel.load(tmp_path / "absent.json")


def test_a_model_saved_and_loaded_again_decides_the_same(tmp_path):
    model = ReaderModel.load()
    again = ReaderModel.load(model.save(tmp_path / "copy.json"))
    assert again.sentence.features == model.sentence.features
    assert again.threshold == pytest.approx(model.threshold, abs=1e-4)
    assert again.sentence.weights == pytest.approx(model.sentence.weights, abs=1e-5)
    assert again.answer.weights == pytest.approx(model.answer.weights, abs=1e-5)


# On the real index


@pytest.fixture(scope="module")
def reader(retriever):
    return Reader.over(retriever, ReaderModel.load(retriever.settings.reader_model), threshold=retriever.settings.answer_threshold)


def read(question_text: str, retriever, reader):
    question = analyse(question_text, catalogue=retriever.catalogue, spacy_model=retriever.settings.spacy_model)
    hits = retriever.search(question.searched, k=retriever.settings.answer_passages, filters=question.filters).hits
    return reader.read(question, hits, retriever.embedder.embed_query(question.searched))


@pytest.mark.slow
def test_the_21st_rtc_heads_meeting_was_held_in_kashiwa(retriever, reader):
    reading = read("Where was the 21st RTC Heads meeting held?", retriever, reader)
    assert reading.answered and reading.confidence >= reader.threshold
    assert reading.short_answer is not None
    assert "Kashiwa" in reading.short_answer.text
    assert len(reading.short_answer.text.split()) <= 4
    assert "Kashiwa" in reading.best.text or "Kashiwa" in reading.short_from.text
    assert [p for _c, p in reading.ranked] == sorted((p for _c, p in reading.ranked), reverse=True)


@pytest.mark.slow
def test_a_why_question_is_answered_by_the_purpose_its_sentence_gives(retriever, reader):
    reading = read("why was the mercator programme launched", retriever, reader)
    assert reading.answered
    assert reading.short_answer.text.startswith("to support the WCO Members")  # not "in 2014", the date beside it
    source = reading.short_from or reading.best
    spans, table = reader.span_table(reading.question, source, retriever.embedder.embed_query(reading.question.searched))
    meaning = table[:, SPAN_FEATURES.index("span_cosine")]
    assert len(spans) > 1 and np.count_nonzero(meaning) == len(spans)  # every span was read with its passage


@pytest.mark.slow
def test_the_answer_shows_the_short_answer_then_quotes_its_sentence_where_it_stands(retriever, reader):
    reading = read("Where was the 21st RTC Heads meeting held?", retriever, reader)
    composed = extracted(reading)
    assert composed.text.startswith(composed.short_answer)
    assert composed.citations
    source = reading.short_from or reading.best
    assert reading.short_answer.text in source.text
    for citation in composed.citations:
        start = citation.quote_start - citation.passage.start
        assert citation.passage.text[start : start + len(citation.quote)] == citation.quote
        assert " ".join(citation.quote.split()) in composed.text


@pytest.mark.slow
def test_the_confidence_is_the_answer_models_probability_for_what_the_reader_found(retriever, reader):
    question = analyse("Who heads the ROCB A/P?", catalogue=retriever.catalogue, spacy_model=retriever.settings.spacy_model)
    hits = retriever.search(question.searched, k=retriever.settings.answer_passages, filters=question.filters).hits
    vector = retriever.embedder.embed_query(question.searched)
    candidates, rows = reader.sentence_table(question, hits, vector)
    assessed = reader.assess(question, candidates, rows, vector)
    reading = reader.decide(question, candidates, rows, vector)
    assert reading.confidence == pytest.approx(float(reader.model.answer.probability(assessed.row[None, :])[0]))
    assert reading.answered and "Kuramoto" in reading.short_answer.text.title()


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "What is the price of a ticket to the moon?",
        "What is the airspeed of an unladen swallow?",
        "What salary does the Head of the ROCB A/P receive?",  # a real person, a detail never given
    ],
)
def test_a_question_the_newsletters_never_answer_is_below_the_threshold(question, retriever, reader):
    reading = read(question, retriever, reader)
    assert reading.confidence < reader.threshold
    assert not reading.answered and reading.short_answer is None


@pytest.mark.slow
def test_a_question_word_no_candidate_holds_counts_against_every_candidate(retriever, reader):
    """Weighted by how few candidates hold it, a term none holds weighs most: the share stays a
    measure of the whole question, not only of the part the candidates happen to share."""
    text = "Who closed RTC Indonesia's February 2022 International Conference on Customs and Tax Cooperation?"
    question = analyse(text, catalogue=retriever.catalogue, spacy_model=retriever.settings.spacy_model)
    hits = retriever.search(question.searched, k=retriever.settings.answer_passages, filters=question.filters).hits
    vector = retriever.embedder.embed_query(question.searched)
    candidates, rows = reader.sentence_table(question, hits, vector)
    longer = analyse(f"{text} zorblaxian", catalogue=retriever.catalogue, spacy_model=retriever.settings.spacy_model)
    _same, more = reader.sentence_table(longer, hits, vector)
    share, gap = SENTENCE_FEATURES.index("coverage_rare_here"), SENTENCE_FEATURES.index("coverage_rare_here_gap")
    assert rows[:, share].max() > 0
    assert all(b < a for a, b in zip(rows[:, share], more[:, share]) if a > 0)
    assert rows[:, gap].max() == 0.0 and (rows[:, gap] <= 0).all()


@pytest.mark.slow
def test_a_sentence_naming_a_rarer_person_than_the_usual_ones_scores_a_rarer_kind(retriever, reader):
    """"closed by Mr Harry Mulya" holds a person met in one report; most sentences about the
    conference name the ROCB A/P's head, who is met in most."""
    question = analyse("Who closed RTC Indonesia's February 2022 International Conference on Customs and Tax Cooperation?", catalogue=retriever.catalogue, spacy_model=retriever.settings.spacy_model)
    hits = retriever.search(question.searched, k=retriever.settings.answer_passages, filters=question.filters).hits
    candidates, rows = reader.sentence_table(question, hits, retriever.embedder.embed_query(question.searched))
    rarity = {c.text: float(row[SENTENCE_FEATURES.index("kind_rarity")]) for c, row in zip(candidates, rows)}
    mulya = [v for text, v in rarity.items() if "Mulya" in text]
    kuramoto = [v for text, v in rarity.items() if "Kuramoto" in text and "Mulya" not in text]
    assert mulya and kuramoto and max(mulya) > max(kuramoto)
