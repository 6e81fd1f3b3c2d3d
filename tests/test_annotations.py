"""spaCy's notes on answer sentences, read in the build's parser process."""

import pytest

from rag.errors import ModelError
from rag.index.annotations import SentenceNotes, annotate
from rag.index.parser_process import ParserProcess
from rag.nlp import BUNDLED_PIPELINE, pipeline

SENTENCES = [
    "The workshop was officiated by Mr. ARAKI Takahiro, Director for International Cooperation.",
    "BACUDA is an abbreviation of Band of Customs Data Analysts.",
    "Module 8 WCO BACUDA algorithms (Offline)",  # a table row: no verb
    "On 18 October 2019, delegates from the General Administration of China Customs visited the CTI.",
]


def test_the_parser_process_reads_as_the_full_pipeline_does():
    nlp = pipeline(BUNDLED_PIPELINE)
    with nlp.select_pipes(disable=["lemmatizer"]):  # the attribute ruler stays: verbs by coarse part of speech
        expected = [
            SentenceNotes(
                tuple((e.start_char, e.end_char, e.label_) for e in doc.ents),
                tuple((doc[t.left_edge.i].idx, doc[t.right_edge.i].idx + len(doc[t.right_edge.i])) for t in doc if t.dep_ in ("nsubj", "nsubjpass")),
                any(t.pos_ in ("VERB", "AUX") for t in doc),
            )
            for doc in nlp.pipe(SENTENCES)
        ]
    with ParserProcess(BUNDLED_PIPELINE) as parser:
        parser.submit(SENTENCES[:2])
        parser.submit(SENTENCES[2:])
        found = parser.results()
    assert [found[s] for s in SENTENCES] == expected == annotate(SENTENCES, nlp)
    assert [n.has_verb for n in expected] == [True, True, False, True]
    assert ("18 October 2019" in [SENTENCES[3][a:b] for a, b, label in expected[3].entities if label == "DATE"])


def test_a_pipeline_that_cannot_load_is_a_clear_error_not_a_hang():
    with ParserProcess("no_such_pipeline") as parser:
        parser.submit(["One sentence to read."])
        with pytest.raises(ModelError, match="no_such_pipeline"):
            parser.results()


def test_nothing_to_parse_starts_no_process():
    with ParserProcess(BUNDLED_PIPELINE) as parser:
        parser.submit([])
        assert parser.results() == {} and parser._child is None
