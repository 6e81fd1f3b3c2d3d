#!/usr/bin/env bash
# Installs newsletter-qa into ./.venv on a fresh machine (no GPU, no hub access).
# CPU torch goes in first, from the wheel on disk, so that nothing pulls a CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet -e ".[dev]"
# The embedding model as int8 ONNX, made once here (about 10 s) so no build or query needs torch.
.venv/bin/python -m rag.index.onnx_export >/dev/null
# WordNet's answers for every WordNet lemma and corpus word, kept in the user's cache (about a
# minute, once): a cold `rag ask` then reads a table instead of loading NLTK and WordNet (4-8 s).
.venv/bin/python -c "from rag.answer.wordnet_cache import main; main()" >/dev/null
# The browser tests drive Debian's Chromium (Playwright's own browser download cannot run offline).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
