"""The library's public surface, and the promise that importing it loads no model."""

import subprocess
import sys

import rag


def test_public_names_are_exported():
    assert sorted(rag.__all__) == sorted(
        [
            "Answer", "Assistant", "Citation", "Generator", "LlamaCppGenerator", "ConfigError", "Embedder", "Filters", "Hit", "IndexError_", "IndexMismatchError", "IndexMissingError",
            "IndexOutdatedError",
            "IndexReport", "IngestError", "ModelError", "Passage", "QueryError", "RagError", "Retriever",
            "SearchResult", "SentenceTransformerEmbedder", "Settings", "build_index", "load_settings",
        ]
    )
    for name in rag.__all__:
        assert getattr(rag, name) is not None


def test_importing_the_library_loads_no_model():
    code = "import sys, rag; print(sorted(m for m in ('torch', 'sentence_transformers', 'faiss', 'llama_cpp', 'gradio') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_the_library_does_not_import_the_layers_above_it():
    code = "import sys, rag, rag.cli; print(sorted(m for m in sys.modules if m == 'eval' or m.startswith(('eval.', 'gradio', 'app'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_a_misspelt_setting_is_an_error(tmp_path):
    import pytest

    from rag.config import load_settings
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="chunk_tokenz"):
        load_settings(overrides={"chunk_tokenz": 100}, environ={})
    with pytest.raises(ConfigError, match="NEWSLETTER_QA_KAY"):
        load_settings(environ={"NEWSLETTER_QA_KAY": "3"})
    config = tmp_path / "settings.toml"
    config.write_text("k = 7\nmode = 'bm25'\n")
    settings = load_settings(config_file=config, environ={"NEWSLETTER_QA_K": "9"}, overrides={"mode": "dense"})
    assert (settings.k, settings.mode) == (9, "dense")  # file < environment < flags
