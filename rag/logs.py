"""What the command line and the app print of other libraries: nothing, unless asked (`--verbose`).

The libraries underneath announce themselves (transformers' weight-loading bar and tokenizer
warnings, bm25s' debug lines, llama.cpp's load log). A user asked for answers, so by
default only the project's own results, warnings and progress bars of long work
(embedding a corpus, an evaluation) are shown. Call once, before the models load.

    quiet_libraries(verbose=False)
"""

from __future__ import annotations

import logging
import os
import sys
import warnings

LIBRARIES = (
    "transformers",
    "sentence_transformers",
    "huggingface_hub",
    "bm25s",
    "faiss",
    "spacy",
    "llama_cpp",
    "httpx",
    "urllib3",
    "gradio",
    "matplotlib",
    "torch",
    "filelock",
)


def quiet_libraries(*, verbose: bool = False) -> None:
    """Third-party logs at ERROR (INFO with `verbose`) and their model-loading progress bars off."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.ERROR)
    if verbose:
        return
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # transformers' "Loading weights" bar
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # "Token indices sequence length is longer than ..."
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if "huggingface_hub" in sys.modules:  # these read the setting at import (Gradio imports them first): tell them
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    if "transformers" in sys.modules:
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", module=r"(transformers|sentence_transformers|spacy|torch|faiss|bm25s)(\.|$)")
