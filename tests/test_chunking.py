"""Passages: within the model's real limit, exact offsets, stable ids."""

import pytest

from rag.index.chunking import ChunkerSettings, chunk_document
from rag.ingest import load_documents
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def documents():
    return load_documents([CORPUS])[0]


def test_no_passage_exceeds_the_embedding_models_limit(embedder, session_index):
    from rag.index.store import load_index

    passages = load_index(session_index).passages  # built with the default settings
    assert load_index(session_index).manifest.chunker["target_tokens"] == 192
    assert len(passages) > 100
    # Counted exactly as the model reads the passage: title and text, special tokens included.
    from tokenizers import Tokenizer

    from rag.models import bundled_embedding_model_path

    tokenizer = Tokenizer.from_file(str(bundled_embedding_model_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    for passage in passages:
        pieces = len(tokenizer.encode(passage.embedding_text).ids)
        assert pieces <= 256, (passage.id, pieces)


def test_passages_point_at_their_exact_place_and_know_their_article(embedder, documents):
    settings = ChunkerSettings(target_tokens=128, max_tokens=embedder.max_tokens, overlap_sentences=1)
    for document in documents:
        for passage in chunk_document(document, settings, embedder.count_tokens):
            assert document.text[passage.start : passage.end] == passage.text
            section = next(s for s in document.sections if s.start <= passage.start < s.end)
            assert passage.title == section.title and passage.end <= section.end
            assert passage.issue == document.metadata.label and passage.date_label


def test_ids_are_stable_across_rebuilds_and_passages_overlap(embedder, documents):
    settings = ChunkerSettings(target_tokens=128, max_tokens=embedder.max_tokens, overlap_sentences=1)
    first = chunk_document(documents[1], settings, embedder.count_tokens)
    second = chunk_document(documents[1], settings, embedder.count_tokens)
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first)
    same_article = [(a, b) for a, b in zip(first, first[1:]) if a.title == b.title]
    assert any(b.start < a.end for a, b in same_article), "consecutive passages should share a sentence"


def test_a_very_long_sentence_is_cut_to_fit(embedder):
    from rag.index.chunking import _split_long

    text = " ".join(["customs"] * 2000)
    pieces = _split_long(text, 0, len(text), 200, embedder.count_tokens)
    assert len(pieces) > 1 and all(embedder.count_tokens(text[a:b]) <= 200 for a, b in pieces)


def test_contents_lists_are_kept_in_the_text_but_not_retrieved(embedder, documents):
    settings = ChunkerSettings(target_tokens=128, max_tokens=embedder.max_tokens, overlap_sentences=1)
    assert sum(1 for d in documents if d.contents_spans) == 4  # No. 76 has no contents list
    for document in documents:
        for passage in chunk_document(document, settings, embedder.count_tokens):
            for start, end in document.contents_spans:
                assert passage.end <= start or passage.start >= end, (document.doc_id, passage.text[:80])
