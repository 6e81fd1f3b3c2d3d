"""Read the question once: one `Question` value that the rest of the answer side takes.

The question is parsed with spaCy; from the parse come what a reader needs to judge a
candidate answer, and nothing downstream reads the question string again:

- the asking word ("who", "when", "how many", ...; "" for a search-box query such as
  "rocb head 2023") and the noun it asks for ("administration" in "which administration",
  "officers" in "how many officers", "venue" in "rtc heads meeting venue");
- the kinds of answer it wants, as weights over spaCy's entity labels: the asking word's
  own kind ("who" a person, "when" a date, "how long" a duration) or, for "which / what"
  and for a query without one, the kinds WordNet says the noun names;
- its focus terms (stemmed content words), the names and figures it pins down, the words
  of its main verb and of the noun asked for;
- the issue or time it names (the filter parser of the retrieval stage);
- for a follow-up ("and who opened it?"), the question it leans on, whose words it is
  searched with.

    question = analyse("Which administration hosted the 21st RTC Heads meeting?", catalogue=retriever.catalogue)
    question.asking, question.asked_noun, question.label_weights   # 'which', 'administration', {'ORG': ..., ...}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.answer.wordnet import is_english_word, names_a_name, noun_kinds, noun_synonyms, pertained_names, related_words
from rag.errors import QueryError
from rag.nlp import BUNDLED_PIPELINE, pipeline
from rag.retrieve.filters import Filters, IssueInfo, parse_filters
from rag.terms import content_terms

MAX_QUESTION_CHARS = 2000  # a longer question is cut before it is read

# What each kind of answer looks like to spaCy's recogniser (OntoNotes labels), with how
# well each label fits: customs administrations are often named by their country (GPE).
KIND_LABELS: dict[str, dict[str, float]] = {
    "person": {"PERSON": 1.0, "ORG": 0.3},
    "organisation": {"ORG": 1.0, "GPE": 0.5, "NORP": 0.3},
    "place": {"GPE": 1.0, "LOC": 1.0, "FAC": 1.0, "ORG": 0.3},
    "facility": {"FAC": 1.0, "ORG": 0.8, "LOC": 0.5, "GPE": 0.3},  # a hotel or a centre is named as a building or a body, seldom as a town
    "date": {"DATE": 1.0, "TIME": 1.0},
    "duration": {"DATE": 1.0, "TIME": 1.0, "QUANTITY": 0.5, "CARDINAL": 0.3},
    "number": {"CARDINAL": 1.0, "QUANTITY": 1.0, "MONEY": 0.3, "PERCENT": 0.3},
    "money": {"MONEY": 1.0, "CARDINAL": 0.3, "QUANTITY": 0.3},
    "percent": {"PERCENT": 1.0, "CARDINAL": 0.3},
    "language": {"LANGUAGE": 1.0, "NORP": 0.5},
}
# The asking words that name their own kind of answer; "what", "which" and a query with no
# asking word take the kind of the noun they ask for.
ASKING_KINDS: dict[str, dict[str, float]] = {
    "who": {"person": 1.0, "organisation": 0.3},
    "whom": {"person": 1.0},
    "whose": {"person": 1.0, "organisation": 0.5},
    "when": {"date": 1.0},
    "where": {"place": 1.0},
    "how many": {"number": 1.0},
    "how much": {"money": 0.7, "number": 0.5, "percent": 0.3},
    "how long": {"duration": 1.0},
    "how often": {"date": 1.0},
    "how old": {"number": 1.0},
    "how far": {"number": 1.0},
}
DEGREE_WORDS = {"many", "much", "long", "often", "old", "far"}  # "how" + one of these asks for an amount
WH_TAGS = {"WDT", "WP", "WP$", "WRB"}  # Penn tags of the asking words
NOMINAL = {"NOUN", "PROPN"}
NOUN_RUN = NOMINAL | {"ADJ", "DET", "NUM", "PART", "PUNCT", "ADP", "CCONJ"}  # what may stand between an asking word and its noun


@dataclass(frozen=True)
class Question:
    """Everything the answer side knows of a question, read from it once."""

    text: str  # as asked (trimmed, cut at MAX_QUESTION_CHARS)
    searched: str  # what retrieval searches: the question, with the words of the one it follows up
    filters: Filters  # the issue or time it names
    asking: str  # "who", "when", "how many", "which", ... or "" for a search-box query
    asked_noun: str  # lemma of the noun asked for ("administration"); "" when none
    label_weights: dict[str, float]  # entity labels an answer may carry, with how well each fits; empty: a description
    focus: tuple[str, ...]  # stemmed content terms, each once, in order
    pins: frozenset[str]  # stems of the names, figures and unknown words (acronyms) it pins down
    noun_terms: frozenset[str]  # stems of the noun asked for and its synonyms
    verb_terms: frozenset[str]  # stems of its main verb and the words WordNet has for that act
    follow_up: bool = False  # it leans on an earlier question of the conversation
    earlier: str = ""  # that earlier question
    words: tuple[str, ...] = field(default=(), compare=False)  # lower-case tokens, for telling candidates from the question

    @property
    def wants_entity(self) -> bool:
        """Does it ask for something a recogniser can label (a person, date, place, number ...)?"""
        return bool(self.label_weights)

    @property
    def asks_reason_or_manner(self) -> bool:
        return self.asking in ("why", "how")


def _asking(doc) -> tuple[str, int | None]:
    """The asking phrase ("how many", "which", "why") and the index of its word; ("", None) for none.

    The first asking word that opens a clause counts: "..., where India took over ..., who gave
    the welcoming speech?" asks who, not where. spaCy tags "where"/"when" in a relative clause
    the same way, so a word whose head is a relative clause (relcl) or a clausal modifier is skipped
    while another one follows.
    """
    found = [t for t in doc if t.tag_ in WH_TAGS]
    if not found:
        return "", None
    opening = [t for t in found if t.head.dep_ not in ("relcl", "acl", "advcl")]
    word = (opening or found)[0]
    lower = word.lower_
    if lower == "how" and word.i + 1 < len(doc) and doc[word.i + 1].lower_ in DEGREE_WORDS:
        return f"how {doc[word.i + 1].lower_}", word.i
    return lower, word.i


def _retag_noun_after_determiner(doc, index: int | None) -> None:
    """An asking determiner ("which", "what" tagged WDT) is followed by its noun, yet the small
    tagger reads a plural that is also a verb as the verb ("On which dates ... was it held?"
    tagged "dates" VBZ, so the question seemed to ask for no kind at all). Where the word has a
    noun reading in WordNet and a verb still follows for the clause, it is retagged a noun."""
    if index is None or doc[index].tag_ != "WDT" or index + 1 >= len(doc):
        return
    word = doc[index + 1]
    if not word.tag_.startswith("VB") or not noun_kinds(word.lower_):
        return
    if any(t.pos_ in ("VERB", "AUX") for t in doc[word.i + 1 :]):
        word.tag_ = "NNS" if word.tag_ == "VBZ" else "NN"
        word.pos_ = "NOUN"


def _noun_asked(doc, asking: str, index: int | None):
    """The token of the noun asked for: "which <noun>", "how many <noun>", "what is the <noun> of",
    or, with no asking word, the head of a search-box query (`_query_noun`)."""
    if index is None:
        noun = _query_noun(doc)
        return _through_name(noun) if noun is not None else None
    start = index + (2 if asking.startswith("how ") else 1)
    if asking in ("which", "what", "whose") or asking.startswith("how "):
        word = doc[index if not asking.startswith("how ") else index + 1]
        if word.dep_ in ("det", "amod") and word.head.pos_ in NOMINAL and word.head.i > word.i:
            return _through_name(word.head)  # the parse ties the asking word to its noun
        last = None
        for token in doc[start:]:
            if token.pos_ not in NOUN_RUN or token.pos_ == "ADP" and last is not None:
                break  # "which Director General of the Korea Customs Service": the noun before "of"
            if token.pos_ in NOMINAL:
                last = token
        if last is not None:
            return _through_name(_phrase_head(last))
    if asking in ("what", "which"):  # "What is the name of the hotel?": the copula's other side, a common
        word = doc[index]  # noun; in "What is BACUDA?" the name is what it asks about, not a kind of answer
        verb = word.head
        for child in verb.children:
            if child.i != index and child.dep_ in ("nsubj", "attr", "nsubjpass") and child.pos_ == "NOUN" and is_english_word(child.text):
                return _through_name(child)
    return None


def _phrase_head(token):
    """The head of the noun phrase a modifier opens: "which Japanese Ministry of Finance official"
    asks for an official, the name before it only saying whose."""
    while token.dep_ in ("compound", "nmod") and token.head.i > token.i and token.head.pos_ in NOMINAL:
        token = token.head
    return token


def _query_noun(doc):
    """A search-box query names what it asks for as the head of a noun phrase: the first common noun
    with a phrase of its own ("venue of 30th rilo meeting", "donation to wco"), else the query's root
    noun ("rocb head"), else its last common noun ("rtc heads meeting venue", where the parser takes
    "meeting" for the verb)."""
    for token in doc:
        if token.pos_ == "NOUN" and any(c.dep_ == "prep" and any(g.dep_ == "pobj" for g in c.children) for c in token.children):
            return token
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None and root.pos_ == "NOUN":
        return root
    nouns = [t for t in doc if t.pos_ == "NOUN"]
    return nouns[-1] if nouns else None


def _through_name(token):
    """"the name of the hotel", "director general name": a noun whose commonest sense is a name
    asks for the thing named (its "of" object, or the noun it is the name of), when WordNet gives
    that one a kind; "the theme of the meeting" still asks for a theme."""
    if not (token.pos_ in NOMINAL and names_a_name(token.lemma_.lower())):
        return token
    named = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    named += [c for c in reversed(list(token.lefts)) if c.dep_ in ("compound", "amod")]
    target = next((t for t in named if t.pos_ in NOMINAL), None)
    return target if target is not None and _kinds(target) else token


def _kinds(token) -> dict[str, float]:
    """What the noun names; a capitalised common noun in a title ("Deputy Prime Minister") counts too."""
    return noun_kinds(token.lemma_.lower()) if token.pos_ in NOMINAL and is_english_word(token.lemma_) else {}


def _label_weights(asking: str, noun) -> dict[str, float]:
    """Entity labels an answer may carry: from the asking word's own kind, else from the noun's."""
    kinds = dict(ASKING_KINDS.get(asking, {}))
    if not kinds and asking not in ("why", "how") and noun is not None:
        kinds = _kinds(noun)
    weights: dict[str, float] = {}
    for kind, share in kinds.items():
        for label, fit in KIND_LABELS.get(kind, {}).items():
            weights[label] = max(weights.get(label, 0.0), round(share * fit, 3))
    return weights


def _main_verb(doc):
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None and root.pos_ == "VERB":
        return root
    return next((t for t in doc if t.pos_ == "VERB"), None)


def _pins(doc) -> frozenset[str]:
    """What the question pins down: names (entities, proper nouns), figures, words WordNet does
    not know (acronyms such as "bacuda", names typed in lower case), and the countries its
    adjectives speak of ("Fijian")."""
    picked: list[str] = []
    for token in doc:
        if token.is_punct or token.is_stop or token.tag_ in WH_TAGS:
            continue
        if token.ent_type_ or token.pos_ == "PROPN" or token.like_num or (token.is_alpha and not is_english_word(token.text)):
            picked.append(token.text)
        if token.pos_ == "ADJ" or token.ent_type_ == "NORP":
            picked.extend(pertained_names(token.text))  # "Fijian" pins Fiji
    return frozenset(content_terms(" ".join(picked)))


def _stems(words) -> frozenset[str]:
    return frozenset(content_terms(" ".join(words)))


# A follow-up leans on the question before it: a third-person or pointing pronoun ("it", "he",
# "that"), an opening conjunction ("and who ...?"), an asking word with no verb to ask of ("What
# about the 22nd?"), or no noun or name of its own ("In 2019?").
def _leans_back(doc) -> bool:
    if any(t.tag_ in WH_TAGS for t in doc) and not _has_verb(doc):
        return True
    for token in doc:
        if token.pos_ == "PRON" and ("Person=3" in str(token.morph) or "PronType=Dem" in str(token.morph)):
            if token.lower_ not in ("what", "which", "who", "whom"):
                return True
        if token.pos_ == "DET" and "PronType=Dem" in str(token.morph):
            return True
    if len(doc) and doc[0].pos_ == "CCONJ":
        return True
    return not any(t.pos_ in NOMINAL for t in doc)


def _has_verb(doc) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in doc)


def _clean(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise QueryError("The question is empty: type a question about the newsletters.")
    return text.strip()[:MAX_QUESTION_CHARS]


def analyse(
    text: str,
    *,
    catalogue: Sequence[IssueInfo] = (),
    earlier: Sequence[str] = (),
    filters: Filters | None = None,
    spacy_model: str = BUNDLED_PIPELINE,
) -> Question:
    """Read `text` (following up the last of `earlier`, when it leans on it) into a `Question`.

    `filters`, when given, replaces the issue/time filter read from the question.
    """
    text = _clean(text)
    nlp = pipeline(spacy_model)
    doc = nlp(text)
    previous = next((q.strip() for q in reversed(earlier) if isinstance(q, str) and q.strip()), "")
    follow_up = bool(previous) and _leans_back(doc)
    own = doc
    if follow_up and not _has_verb(doc):
        own = nlp(previous)  # "What about the 22nd?" asks the earlier question again, of something else
    asking, index = _asking(own)
    _retag_noun_after_determiner(own, index)
    noun = _noun_asked(own, asking, index)
    verb = _main_verb(own)
    searched = f"{text} ({previous})" if follow_up else text
    words_of = [text, previous] if follow_up else [text]
    focus = tuple(dict.fromkeys(t for part in words_of for t in content_terms(part)))
    pins = _pins(doc) | (_pins(nlp(previous)) if follow_up else frozenset())
    return Question(
        text=text,
        searched=searched,
        filters=filters if filters is not None else parse_filters(searched, list(catalogue)),
        asking=asking,
        asked_noun=noun.lemma_.lower() if noun is not None else "",
        label_weights=_label_weights(asking, noun),
        focus=focus,
        pins=pins,
        noun_terms=_stems([noun.text, *noun_synonyms(noun.lemma_.lower())]) if noun is not None else frozenset(),
        verb_terms=_stems([verb.text, *related_words(verb.lemma_.lower())]) if verb is not None else frozenset(),
        follow_up=follow_up,
        earlier=previous if follow_up else "",
        words=tuple(t.lower_ for part in ([doc, nlp(previous)] if follow_up else [doc]) for t in part if not t.is_punct),
    )
