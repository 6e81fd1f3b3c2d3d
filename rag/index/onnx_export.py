"""A sentence-transformers folder as a dynamically quantised int8 ONNX model, made once and cached.

Index builds and queries run the embedding model through onnxruntime: int8 weights with
per-channel scales embed the corpus in about half the time of PyTorch on two cores, keep
cosine 0.99 with PyTorch's vectors, and a query process never imports torch (a cold
`rag search` was 7 s, most of it that import). PyTorch is needed once, here, to export the
transformer; a folder that already carries `onnx/model.onnx` (as many published
sentence-transformers models do) is quantised without it.

    path = prepared_model(Path("models/all-MiniLM-L6-v2"), Path("embeddings/models"))
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from pathlib import Path

from rag.errors import ModelError

log = logging.getLogger(__name__)

QUANTISED = "model_int8.onnx"
EXPORT_VERSION = "2"  # part of the cache key: 2 exports plain ("eager") attention, see _export
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "onnx/model.onnx", "config.json")


def model_key(model_dir: Path) -> str:
    """Names the cached export: the folder's name and its weights' sizes and times, so a changed
    model is exported again rather than read stale."""
    parts = [str(model_dir.resolve()), f"export:{EXPORT_VERSION}"]
    for name in WEIGHT_FILES:
        file = model_dir / name
        if file.is_file():
            stat = file.stat()
            parts.append(f"{name}:{stat.st_size}:{int(stat.st_mtime)}")
    digest = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{model_dir.name}-{digest}"


def prepared_model(model_dir: Path, cache_dir: Path, label: str | None = None) -> Path:
    """The int8 ONNX file for `model_dir`, exported and quantised on first call."""
    target = cache_dir / model_key(model_dir) / QUANTISED
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log.warning("Preparing the embedding model %s for onnxruntime (once; about 10 s)", label or model_dir.name)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        source = model_dir / "onnx" / "model.onnx"
        if not source.is_file():
            source = Path(work) / "model.onnx"
            _export(model_dir, source)
        staged = Path(work) / QUANTISED
        _quantise(source, staged)
        os.replace(staged, target)  # atomic: a crash leaves no half-written model behind
    return target


def _export(model_dir: Path, out: Path) -> None:
    """The transformer's last hidden state as ONNX (pooling is done in numpy, as configured).

    Attention is exported in its plain ("eager") form: the default scaled-dot-product path
    traces a NaN guard (IsNaN and Where over every attention matrix) that took a fifth of
    onnxruntime's time; the vectors are the same (cosine 1.0 in float32).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelError(f"Exporting {model_dir} to ONNX needs torch and transformers ({exc}).") from exc
    try:
        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"Cannot load the embedding model at {model_dir}: {exc}") from exc
    sample = tokenizer(["a short sentence", "and a somewhat longer one to pad against"], return_tensors="pt", padding=True)
    names = [name for name in INPUTS if name in sample]

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *tensors):
            return self.inner(**dict(zip(names, tensors))).last_hidden_state

    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice: it is the one that handles BERT
        torch.onnx.export(
            LastHiddenState(model),
            tuple(sample[name] for name in names),
            str(out),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _quantise(source: Path, out: Path) -> None:
    """Int8 weights, one scale per output channel: per-tensor scales cost MiniLM cosine 0.95
    against PyTorch, per-channel 0.993 (docs/decisions.md)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # "consider pre-processing": advice for static quantisation of vision models
    try:
        quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)


def main() -> None:
    """Prepare the configured embedding model now (scripts/install.sh does), so that the first
    `rag index` does not pay for the export."""
    from rag.config import load_settings
    from rag.logs import quiet_libraries
    from rag.models import resolve_embedding_model

    quiet_libraries()
    settings = load_settings()
    if settings.embedding_backend == "onnx-int8":
        print(prepared_model(resolve_embedding_model(settings.embedding_model), settings.model_cache_dir, settings.embedding_model))


if __name__ == "__main__":
    main()
