"""The persisted index: incremental updates, atomic writes, clear errors when unusable."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.errors import IndexError_, IndexMismatchError, IndexMissingError, IndexOutdatedError
from rag.index.store import CURRENT, FORMAT_VERSION, load_index, read_manifest
from rag.index.build import build_index
from rag.retrieve.retriever import Retriever
from rag.index.sentences import answer_sentences
from tests.conftest import CORPUS, settings_for

pytestmark = pytest.mark.slow


def test_manifest_records_what_built_the_index(session_index):
    manifest = read_manifest(session_index)
    assert manifest.embedding_model == "all-MiniLM-L6-v2" and manifest.dimensions == 384
    assert manifest.chunker["max_tokens"] == 254 and manifest.dense_kind == "flat"
    assert len(manifest.sources) == 5 and all(len(s["sha256"]) == 64 for s in manifest.sources.values())


def test_adding_changing_and_removing_a_newsletter_embeds_only_what_is_new(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    new_issue = corpus / "rocb-ap-e-newsletter-no79-2022-q4.txt"
    held_back = tmp_path / new_issue.name
    new_issue.rename(held_back)
    settings = settings_for(tmp_path / "index")
    first = build_index(settings, [corpus], embedder=embedder, progress=False)
    first_passages = load_index(settings.index_dir).passages
    assert first.documents == 4 and first.passages == len(first_passages)
    assert first.embedded == len({p.content_hash for p in first_passages})  # a text repeated is embedded once

    before = {p.content_hash for p in first_passages}
    held_back.rename(new_issue)  # a newsletter arrives
    second = build_index(settings, [corpus], embedder=embedder, progress=False)
    added = [p for p in load_index(settings.index_dir).passages if p.doc_id == new_issue.name]
    assert second.added == [new_issue.name] and second.passages == first.passages + len(added)
    # Only text never seen before is embedded (No. 79 repeats some of No. 83's foreword).
    assert second.embedded == len({p.content_hash for p in added} - before) >= 0.9 * len(added)
    assert second.reused == second.passages - sum(1 for p in added if p.content_hash not in before)

    changed = corpus / "cti-news-vol17-2020-06.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA late note: the CTI library reopened in July 2020.\n", encoding="utf-8")
    third = build_index(settings, [corpus], embedder=embedder, progress=False)
    assert third.changed == [changed.name] and 0 < third.embedded < 5

    (corpus / "rocb-ap-e-newsletter-no62-2018-q3.txt").unlink()
    fourth = build_index(settings, [corpus], embedder=embedder, progress=False)
    assert fourth.removed == ["rocb-ap-e-newsletter-no62-2018-q3.txt"] and fourth.embedded == 0
    stored = load_index(settings.index_dir)
    assert {p.doc_id for p in stored.passages} == {d.name for d in corpus.iterdir()}
    assert any("library reopened" in p.text for p in stored.passages)
    # every passage keeps one stored sentence (vector and spaCy's notes) per answer sentence, the changed one included
    for passage, sentences in zip(stored.passages, stored.sentences):
        assert [s.span for s in sentences] == answer_sentences(passage.text)
        assert all(s.vector.shape == (embedder.dimensions,) for s in sentences)
    late = next(i for i, p in enumerate(stored.passages) if "library reopened" in p.text)
    sentence = next(s for s in stored.sentences[late] if "library reopened" in stored.passages[late].text[s.span.start : s.span.end])
    # pooled from the passage's own pass (late chunking), it is still nearest to the sentence read alone
    alone = embedder.embed_documents(["A late note: the CTI library reopened in July 2020."])[0]
    similarities = [float(s.vector @ alone) for s in stored.sentences[late]]
    assert max(similarities) == float(sentence.vector @ alone) > 0.8
    labels = {stored.passages[late].text[a:b]: label for a, b, label in sentence.entities}
    assert labels.get("July 2020") == "DATE" and sentence.has_verb  # the new sentence was read by the NER and parser too


def test_opening_with_another_model_is_refused(session_index):
    class OtherModel:
        name = "some-other-model"
        backend = "onnx-int8"

    with pytest.raises(IndexMismatchError, match="rebuild"):
        Retriever.open(session_index, embedder=OtherModel())


def test_indexing_with_other_chunker_settings_asks_for_a_rebuild(index_copy, embedder):
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        build_index(settings_for(index_copy, chunk_tokens=64), embedder=embedder, progress=False)


def test_missing_and_corrupt_indexes_say_how_to_rebuild(tmp_path, index_copy):
    with pytest.raises(IndexMissingError, match="rag index"):
        load_index(tmp_path / "nowhere")
    build = index_copy / (index_copy / CURRENT).read_text().strip()
    (build / "vectors.npy").write_bytes(b"garbage")
    with pytest.raises(IndexError_, match="corrupt.*rag index"):
        load_index(index_copy)
    (build / "manifest.json").write_text("{not json")
    with pytest.raises(IndexError_, match="rag index"):
        load_index(index_copy)


def test_an_index_written_by_an_older_version_is_refused_then_rebuilt_by_rag_index(index_copy, embedder):
    manifest_path = index_copy / (index_copy / CURRENT).read_text().strip() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "format_version": FORMAT_VERSION - 1}))
    with pytest.raises(IndexOutdatedError, match="rag index"):
        Retriever.open(index_copy, embedder=embedder)

    build_index(settings_for(index_copy), embedder=embedder, progress=False)

    assert read_manifest(index_copy).format_version == FORMAT_VERSION
    assert Retriever.open(index_copy, embedder=embedder).search("Where was the 21st RTC Heads meeting held?").hits


def test_a_build_killed_midway_leaves_the_previous_index_whole(index_copy):
    before = json.loads((index_copy / (index_copy / CURRENT).read_text().strip() / "manifest.json").read_text())
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "index", "--rebuild", "--index-dir", str(index_copy), str(CORPUS)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=Path(__file__).parent.parent,
    )
    deadline = time.monotonic() + 120
    seen = b""
    while time.monotonic() < deadline:  # wait until it is embedding (a progress bar shows)
        chunk = process.stdout.read1(4096) if hasattr(process.stdout, "read1") else process.stdout.read(64)
        seen += chunk
        if b"embedding" in seen or not chunk:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert b"embedding" in seen, seen[-500:]
    stored = load_index(index_copy)  # still loads, and is the same build as before
    assert stored.manifest.built_at == before["built_at"] and len(stored.passages) == before["passages"]
    survivors = [p.name for p in index_copy.iterdir() if p.is_dir()]
    assert len([n for n in survivors if n.startswith("build-")]) == 1


def test_hnsw_and_a_model_given_by_path(tmp_path):
    from rag.models import bundled_embedding_model_path

    model_folder = str(bundled_embedding_model_path())  # any local sentence-transformers folder
    settings = settings_for(tmp_path / "index", ann="hnsw", embedding_model=model_folder)
    build_index(settings, [CORPUS / "rocb-ap-e-newsletter-no83-2023-q4.txt"], progress=False)
    retriever = Retriever.open(settings=settings)
    manifest = read_manifest(settings.index_dir)
    assert manifest.dense_kind == "hnsw" and manifest.embedding_model == model_folder
    hits = retriever.search("Where was the 21st RTC Heads meeting held?", k=3, mode="dense").hits
    assert any("Kashiwa" in h.passage.text for h in hits)
