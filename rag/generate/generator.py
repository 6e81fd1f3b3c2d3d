"""Local GGUF models through llama-cpp-python, behind one small interface.

The model loads once, on first use, and is reused; a lock serialises calls because a
llama.cpp context is not safe to use from two threads at once. Models whose GGUF carries
a chat template are driven as chat models with it; others get a plain completion prompt.

    generator = LlamaCppGenerator("smollm2-135m")        # a bundled name, or a .gguf path
    for piece in generator.stream_chat([{"role": "user", "content": "Hello"}], max_tokens=32):
        print(piece, end="")
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from rag.errors import ModelError
from rag.models import bundled_gguf_path, bundled_gguf_paths

GGUF_MAGIC = b"GGUF"
COMPLETION_STOPS = ["\nQuestion:", "\n\n\n", "</s>", "<end_of_turn>"]


class Generator(ABC):
    """Streams text from a language model; the assistant builds the prompts."""

    name: str

    @abstractmethod
    def stream_chat(self, messages: list[dict[str, str]], *, max_tokens: int) -> Iterator[str]: ...

    @abstractmethod
    def stream_completion(self, prompt: str, *, max_tokens: int) -> Iterator[str]: ...

    @property
    @abstractmethod
    def has_chat_template(self) -> bool: ...

    @property
    @abstractmethod
    def context_window(self) -> int: ...

    @abstractmethod
    def count_tokens(self, text: str) -> int: ...


def resolve_gguf(name_or_path: str) -> Path:
    """A bundled model name ("smollm2-135m", "gemma3-270m") or a path to a .gguf file."""
    path = Path(name_or_path).expanduser()
    if not path.exists():
        found = bundled_gguf_path(name_or_path)
        if found is not None:
            return found
        bundled = bundled_gguf_paths()
        raise ModelError(
            f"Model file not found: {path}. Give a path to a .gguf file, or one of the bundled models: "
            f"{', '.join(sorted(bundled)) or '(none installed)'}."
        )
    if not path.is_file():
        raise ModelError(f"Model path {path} is a folder; expected a .gguf file.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelError(f"Model file {path} cannot be read ({exc.strerror}).") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(f"Model file {path} is not a GGUF model (it does not start with 'GGUF').")
    return path


class LlamaCppGenerator(Generator):
    """A GGUF model run on the CPU by llama.cpp; greedy decoding for repeatable answers."""

    def __init__(self, model: str = "smollm2-135m", *, context_window: int = 2048, threads: int | None = None) -> None:
        self.name = model
        self.path = resolve_gguf(model)
        self._n_ctx = context_window
        self._threads = threads or max(1, min(4, os.cpu_count() or 1))
        self._lock = threading.Lock()

    @cached_property
    def _llama(self):
        from llama_cpp import Llama

        try:
            return Llama(model_path=str(self.path), n_ctx=self._n_ctx, n_threads=self._threads, seed=0, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"Cannot load the model {self.path}: {exc}. Is it a complete GGUF file?") from exc

    def warm_up(self) -> None:
        with self._lock:
            self._llama  # noqa: B018 - loading is the point

    @property
    def has_chat_template(self) -> bool:
        return bool(self._llama.metadata.get("tokenizer.chat_template"))

    @property
    def context_window(self) -> int:
        return self._n_ctx

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream_chat(self, messages: list[dict[str, str]], *, max_tokens: int) -> Iterator[str]:
        with self._lock:
            chunks = self._llama.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0, stream=True)
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

    def stream_completion(self, prompt: str, *, max_tokens: int) -> Iterator[str]:
        with self._lock:
            chunks = self._llama.create_completion(
                prompt=prompt, max_tokens=max_tokens, temperature=0.0, stop=COMPLETION_STOPS, stream=True
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["text"]
                if piece:
                    yield piece
