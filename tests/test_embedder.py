"""The int8 ONNX embedder: faithful to the model it was exported from, and no torch on the query path."""

import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow

SENTENCES = [
    "The 21st RTC Heads meeting was held in Kashiwa, Japan.",
    "BACUDA is an abbreviation of Band of Customs Data Analysts.",
    "rocb head 2023",
]


def test_onnx_vectors_agree_with_the_pytorch_model(embedder):
    from rag.index.embedder import SentenceTransformerEmbedder

    reference = SentenceTransformerEmbedder().embed_documents(SENTENCES)
    vectors = embedder.embed_documents(SENTENCES)
    assert vectors.shape == reference.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() > 0.97  # int8 weights move a vector only a little
    # and the neighbours stay the same: each sentence is still nearest to its own reference vector
    assert list((vectors @ reference.T).argmax(axis=1)) == [0, 1, 2]


def test_a_sentence_pooled_in_its_passage_knows_what_it_is_about(embedder):
    passage = "The ROCB A/P held a workshop in Fiji. It was opened by the Comptroller of Customs."
    spans = [(0, 36), (37, len(passage))]
    vectors, sentences = embedder.embed_in_context([passage], [spans])
    alone = embedder.embed_documents([passage[a:b] for a, b in spans])
    assert sentences[0].shape == (2, 384)
    assert np.allclose(np.linalg.norm(sentences[0], axis=1), 1.0, atol=1e-5)
    # "It was opened by ..." read alone does not say what was opened; read in its passage it does
    question = embedder.embed_query("who opened the workshop in Fiji")
    assert float(sentences[0][1] @ question) > float(alone[1] @ question) + 0.15
    assert float(sentences[0][0] @ alone[0]) > 0.8  # a sentence that names its subject keeps its meaning
    assert float(vectors[0] @ embedder.embed_documents([passage])[0]) > 0.999  # the passage's own vector is unchanged


def test_a_search_process_never_imports_torch(session_index):
    script = (
        "import sys; from rag import Retriever; "
        f"r = Retriever.open({str(session_index)!r}); "
        "hits = r.search('Where was the 21st RTC Heads meeting held?').hits; "
        "assert hits, 'no hits'; "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
