"""Shared fixtures: no network, private caches, and one real index built per session.

Integration tests use the real corpus, the real bundled all-MiniLM-L6-v2 and real FAISS
and BM25 indexes; the index is built once per session and copied where a test changes it.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, Settings, load_settings

CORPUS = PROJECT_ROOT / "data" / "newsletters"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that tries to reach beyond this machine (models must be local)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")):
            raise RuntimeError(f"test tried to reach the network: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def private_paths(monkeypatch, tmp_path):
    """Caches and user paths in a temporary folder; no stray settings from the environment."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import os

    for key in list(os.environ):
        if key.startswith("NEWSLETTER_QA_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def embedder():
    """The default embedder, as `rag index` makes it: the bundled model as int8 ONNX."""
    from rag.index.embedder import make_embedder

    settings = load_settings(environ={})
    return make_embedder(settings.embedding_model, settings.embedding_backend, cache_dir=settings.model_cache_dir)


@pytest.fixture(scope="session")
def session_index(tmp_path_factory, embedder) -> Path:
    """The bundled corpus indexed once with the real model."""
    from rag.index.build import build_index

    index_dir = tmp_path_factory.mktemp("index") / "index"
    settings = load_settings(overrides={"index_dir": index_dir}, environ={})
    build_index(settings, embedder=embedder, progress=False)
    return index_dir


@pytest.fixture
def index_copy(session_index, tmp_path) -> Path:
    """A private copy of the session index for tests that change it."""
    target = tmp_path / "index"
    shutil.copytree(session_index, target)
    return target


@pytest.fixture(scope="session")
def retriever(session_index, embedder):
    from rag.retrieve.retriever import Retriever

    settings = load_settings(overrides={"index_dir": session_index}, environ={})
    return Retriever.open(settings=settings, embedder=embedder)


def settings_for(index_dir: Path, **overrides) -> Settings:
    return load_settings(overrides={"index_dir": index_dir, **overrides}, environ={})
