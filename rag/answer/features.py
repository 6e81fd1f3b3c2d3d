"""The reader's features: general signals of how well a sentence, and a span of it, answer a question.

None of them names a word of a particular question; each is a measure any question has:
meaning (cosine of the question and sentence vectors, plain and after the learned question
adapter), how much of the question's terms the sentence, its neighbours and its article
title hold (weighted by rarity in the corpus, and by how few of the retrieved sentences
hold each term), whether it holds something of the kind asked for (and how rare in the
corpus that thing is), where the passage ranked, whether it reads as prose; and for a
span, its kind and label, how rare its rarest word is in the corpus (a name met in most
reports is the default guess), how close it sits to the question's words (in the text and
in the parse), how much of the question's rarer words its setting holds (a few words or
parse steps around it: which of two figures in one sentence is the one asked for), whether
it counts the noun asked for or holds a figure, whether it only repeats the question, and
its meaning against the question's (plain, and after the learned span adapter).
The learned scorer (`rag/answer/scorer.py`) weighs them; its file lists these names, so a
model fitted on other features is refused.

    rarity = Rarity(passage_texts)
    rows = sentence_rows(question, candidates, question_vector, rarity, adapted)  # one row per candidate, SENTENCE_FEATURES order
    table = span_rows(question, doc, spans, rarity, meaning)  # one row per span of a parsed sentence (meaning: span_meaning(...))
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from rag.answer.candidates import SentenceCandidate
from rag.answer.question import Question
from rag.answer.spans import KINDS, AnswerSpan
from rag.terms import content_terms

SENTENCE_FEATURES = (
    "cosine",
    "cosine_gap",  # below the best candidate's cosine
    "adapted_cosine",  # cosine with the question's vector moved by the learned adapter (`adapter.py`)
    "adapted_cosine_gap",
    "coverage",  # share of the question's terms, weighted by rarity, in the sentence
    "coverage_gap",
    "coverage_context",  # in the sentence with the ones before and after it
    "coverage_title",  # in the article's title
    "coverage_before",  # in the sentence before it alone (an event is often introduced just before its detail)
    "coverage_after",  # in the sentence after it alone
    "coverage_rare_here",  # share of the question's terms in it, each weighted by how few of the candidates hold it
    "coverage_rare_here_gap",
    "beside_best",  # the sentence before or after it covers the question best of all candidates
    "novelty",  # share of its own terms, weighted by rarity, that the question does not have
    "pins_sentence",  # share of the names and figures the question pins down, in the sentence
    "pins_around",  # ... in the sentence, its neighbours or the title
    "kind_fit",  # best fit of an entity the question does not name to the kind asked for
    "kind_count",  # log of how many such entities fit well
    "kind_rarity",  # best fit times rarity of such an entity: a specific name, not one met everywhere
    "kind_window",  # share of the question's terms, by rarity, within a few words of such an entity
    "kind_missing",  # the question wants an entity and the sentence has none of that kind
    "wants_entity",  # how surely the question asks for an entity
    "noun_match",  # the noun asked for ("venue") or a synonym is in it or beside it
    "verb_match",  # the question's act, in any of WordNet's words, is in it or beside it
    "noun_own",  # ... in the sentence itself
    "verb_own",
    "rank",  # 1 / (1 + the passage's retrieval rank)
    "fused",  # the passage's fused score over the best passage's
    "dense",  # the passage's cosine with the question
    "bm25",  # the passage's BM25 score over the best one's
    "prose",  # ends as a sentence does and is mostly lower-case words
    "has_verb",  # it says something (a table row or heading names things)
    "focus_subject",  # share of the question's terms, by rarity, in its subjects: it speaks of what is asked about
    "asks",  # ends with a question mark
    "length",  # log of its words
    "description",  # the question asks what / why / how, no entity
)

# A span is chosen among the spans of one sentence, so only what tells them apart counts here.
SPAN_FEATURES = (
    "label_fit",  # how well its entity label fits the kind asked for
    "label_missing",  # the question wants an entity and this span is none of that kind
    *(f"kind_{kind}" for kind in KINDS),
    "in_question",  # share of its terms the question already has
    "noun_in_span",  # it holds the noun asked for ("Customs Clearance Division" for "which division")
    "near",  # 1 / (1 + words between it and the nearest question term in the sentence)
    "tree",  # 1 / (1 + steps in the parse between its head and the nearest question term)
    "tree_verb",  # ... and the nearest word of the question's act
    "depth",  # 1 / (1 + steps from its head to the sentence's root): how central it is
    "object_role",  # its head is an object, attribute or complement (what a clause says of its subject)
    "subject_role",
    "length",  # log of its words
    "capitals",  # share of its words that are capitalised
    "rarity",  # how few passages hold its rarest term (a name met everywhere is the default guess)
    "starts_adposition",  # "by ...", "through ...", "due to ..."
    "starts_marker",  # "to ...", "because ...", "so that ..."
    "expands_pin",  # next to a bracketed name the question gives, or bracketed after one ("... Office (RILO)")
    "local_words",  # share of the question's terms, by rarity, within a few words of it (not in it)
    "local_words_gap",  # ... below the sentence's best span
    "local_tree",  # share of the question's terms, by rarity, within two parse steps of it
    "local_tree_gap",
    "counts_noun",  # its head word modifies the noun asked for ("22 countries" for "how many countries")
    "digits",  # it holds a figure ("2017", not "the same year")
    "wanted_entity",  # the question wants an entity, and this is one
    "wanted_length",  # the question wants an entity: log of its words
    "description_length",
    "description_clause",
    "description_phrase",
    "reason_clause",  # a why / how question, and a clause
    "reason_adposition",
    "reason_marker",
    "span_cosine",  # the span's vector (its tokens' states in the passage) against the question's
    "span_cosine_gap",  # ... below the sentence's best span
    "span_adapted_cosine",  # ... against the question's vector moved by the learned span adapter
    "span_adapted_cosine_gap",
)
SPAN_MEANING = SPAN_FEATURES.index("span_cosine")

# Whether to answer is decided once per question, from how the best sentence and its short
# answer scored and from what they hold: a question whose detail the newsletters never give
# still finds sentences about its event, but none holding the kind of thing asked for, none
# scoring far above the rest, no span the span model is sure of.
ANSWER_FEATURES = (
    "sentence_logit",  # the best sentence's score under the sentence model
    "sentence_margin",  # ... over the second best's (capped at MARGIN_CAP)
    "span_logit",  # the short answer's score under the span model (SPAN_FLOOR where there is none)
    "span_label_fit",  # how well the short answer's entity label fits the kind asked for
    "span_tree",  # 1 / (1 + parse steps from the short answer to the nearest question term)
    "span_in_question",  # share of the short answer's terms the question already has
    "span_rarity",  # how few passages hold the short answer's rarest term
    "kind_missing",  # the question wants an entity and the best sentence has none of that kind
    "kind_rarity",  # ... how specific the best-fitting one it has is
    "wants_entity",
    "cosine",  # the best sentence's cosine with the question
    "dense",  # its passage's cosine with the question
    "coverage_context",  # the question's terms, by rarity, in the best sentence and its neighbours
    "pins_around",  # the names and figures the question pins down, in the best sentence, its neighbours or title
    "verb_match",  # the question's act is in the best sentence or beside it
    "noun_match",  # the noun asked for is in the best sentence or beside it
)
MARGIN_CAP = 5.0
SPAN_FLOOR = -10.0
_FROM_SENTENCE = ("kind_missing", "kind_rarity", "wants_entity", "cosine", "dense", "coverage_context", "pins_around", "verb_match", "noun_match")
_FROM_SPAN = {"span_label_fit": "label_fit", "span_tree": "tree", "span_in_question": "in_question", "span_rarity": "rarity"}
_SENTENCE_COLUMNS = {name: SENTENCE_FEATURES.index(name) for name in _FROM_SENTENCE}
_SPAN_COLUMNS = {name: SPAN_FEATURES.index(of) for name, of in _FROM_SPAN.items()}

_WORD = re.compile(r"\S+")


def _share(wanted: dict[str, float], present: set[str]) -> float:
    total = sum(wanted.values())
    return sum(w for t, w in wanted.items() if t in present) / total if total else 0.0


def _terms(text: str) -> set[str]:
    return set(content_terms(text))


def is_prose(text: str) -> float:
    """1 for a sentence that ends as one and is mostly lower-case words, less for headings and captions."""
    words = [w for w in _WORD.findall(text) if w[0].isalpha()]
    if not words:
        return 0.0
    lower = sum(w[0].islower() for w in words) / len(words)
    return 0.5 * (text.rstrip()[-1:] in ".!?;:") + 0.5 * min(1.0, lower / 0.5)


class Rarity:
    """Inverse document frequency of stemmed terms over the indexed passages."""

    def __init__(self, texts: Sequence[str]) -> None:
        frequency: dict[str, int] = {}
        for text in texts:
            for term in _terms(text):
                frequency[term] = frequency.get(term, 0) + 1
        self._total = max(1, len(texts))
        self._idf = {term: math.log(1 + self._total / count) for term, count in frequency.items()}

    def __call__(self, term: str) -> float:
        return self._idf.get(term, self.ceiling)

    @property
    def ceiling(self) -> float:
        """The rarity of a term in no passage (or in one)."""
        return math.log(1 + self._total)

    def of_span(self, terms: set[str]) -> float:
        """0..1, how rare a span's rarest term is: a name met in many passages (the ROCB A/P, its
        head) is the guess any question about the region meets; one met in one or two is specific."""
        return max((self(t) for t in terms), default=0.0) / self.ceiling


def _new_entities(question: Question, text: str, entities, offset: int) -> list[tuple[str, set[str]]]:
    """(label, terms) of the entities a text holds that the question does not already name."""
    asked = set(question.focus) | question.pins
    found = []
    for start, end, label in entities:
        terms = _terms(text[start - offset : end - offset])
        if not terms or terms - asked:
            found.append((label, terms))
    return found


ADAPTED = SENTENCE_FEATURES.index("adapted_cosine")
ADAPTED_WIDTH = 2  # adapted_cosine and its gap
COSINE, COVERAGE = SENTENCE_FEATURES.index("cosine"), SENTENCE_FEATURES.index("coverage")  # each followed by its gap


def with_gap(values: np.ndarray) -> np.ndarray:
    """Two columns: the values, and each one's gap below the best of them (how a candidate
    stands against its rivals for the same question)."""
    values = np.asarray(values, dtype=np.float32)
    return np.stack([values, values - (values.max() if len(values) else 0.0)], axis=1)


def adapted_columns(candidates: Sequence[SentenceCandidate], adapted_vector: np.ndarray) -> np.ndarray:
    """The adapted_cosine and adapted_cosine_gap columns: set apart, because training refills
    them for each fold's adapter without describing the candidates again."""
    if not candidates:
        return np.zeros((0, ADAPTED_WIDTH), np.float32)
    return with_gap(np.array([float(c.vector @ adapted_vector) for c in candidates]))


def sentence_rows(
    question: Question, candidates: Sequence[SentenceCandidate], question_vector: np.ndarray, idf: Rarity, adapted_vector: np.ndarray | None = None
) -> np.ndarray:
    """One row of SENTENCE_FEATURES per candidate (`adapted_vector`: the question's vector after the adapter; none, the plain one)."""
    if not candidates:
        return np.zeros((0, len(SENTENCE_FEATURES)), np.float32)
    wanted = {t: idf(t) for t in question.focus}
    pins = {t: idf(t) for t in question.pins}
    wants = max(question.label_weights.values(), default=0.0)
    cosines = np.array([float(c.vector @ question_vector) for c in candidates])
    best_fused = max(c.hit.score for c in candidates) or 1.0
    best_bm25 = max((c.hit.bm25_score or 0.0) for c in candidates) or 1.0
    rows = []
    coverages = []
    asked = set(question.focus) | question.pins
    own_terms = [_terms(c.text) for c in candidates]
    own_coverage = {(c.passage.doc_id, c.absolute_start): _share(wanted, terms) for c, terms in zip(candidates, own_terms)}
    best_coverage = max(own_coverage.values())
    holding = {t: sum(t in terms for terms in own_terms) for t in wanted}
    # a term few candidates hold tells them apart; one none holds weighs most, against every candidate
    here = {t: math.log(1 + len(candidates) / max(n, 1)) for t, n in holding.items()}
    for candidate, own in zip(candidates, own_terms):
        text = candidate.text
        before = _terms(candidate.passage.text[candidate.context_start : candidate.start])
        after = _terms(candidate.passage.text[candidate.end : candidate.context_end])
        around = before | own | after
        title = _terms(candidate.passage.title)
        new = _new_entities(question, candidate.passage.text, candidate.entities, 0)
        fits = [question.label_weights.get(label, 0.0) for label, _ in new]
        fit = max(fits, default=0.0)
        specific = max((f * idf.of_span(terms) for f, (_label, terms) in zip(fits, new)), default=0.0)
        coverage = own_coverage[(candidate.passage.doc_id, candidate.absolute_start)]
        coverages.append(coverage)
        neighbours = [_share(wanted, before), _share(wanted, after)]
        weights = {t: idf(t) for t in own}
        rows.append(
            [
                0.0,  # cosine, filled below
                0.0,
                0.0,  # adapted cosine, filled below
                0.0,
                coverage,
                0.0,
                _share(wanted, around),
                _share(wanted, title),
                neighbours[0],
                neighbours[1],
                _share(here, own) if here else 0.0,
                0.0,  # coverage_rare_here_gap, filled below
                float(max(neighbours) >= best_coverage > coverage),
                _share(weights, own - asked) if weights else 0.0,
                _share(pins, own) if pins else 1.0,
                _share(pins, around | title) if pins else 1.0,
                fit,
                math.log1p(sum(f >= 0.5 for f in fits)),
                specific,
                _window(question, candidate, wanted),
                wants * (1.0 - fit),
                wants,
                float(bool(question.noun_terms & around)),
                float(bool(question.verb_terms & around)),
                float(bool(question.noun_terms & own)),
                float(bool(question.verb_terms & own)),
                1.0 / (1 + candidate.hit_rank),
                candidate.hit.score / best_fused,
                candidate.hit.dense_score or 0.0,
                (candidate.hit.bm25_score or 0.0) / best_bm25,
                is_prose(text),
                float(candidate.has_verb),
                _share(wanted, _terms(" ".join(candidate.passage.text[a:b] for a, b in candidate.subjects))),
                float(text.rstrip().endswith("?")),
                math.log1p(len(_WORD.findall(text))),
                float(not question.wants_entity),
            ]
        )
    table = np.array(rows, dtype=np.float32)
    table[:, COSINE : COSINE + 2] = with_gap(cosines)
    table[:, ADAPTED : ADAPTED + ADAPTED_WIDTH] = adapted_columns(candidates, question_vector if adapted_vector is None else adapted_vector)
    table[:, COVERAGE : COVERAGE + 2] = with_gap(np.array(coverages))
    rare = SENTENCE_FEATURES.index("coverage_rare_here")
    table[:, rare : rare + 2] = with_gap(table[:, rare])
    return table


WINDOW_WORDS = 8  # words either side of an entity that count as its setting


def _window(question: Question, candidate: SentenceCandidate, wanted: dict[str, float]) -> float:
    """The best share of the question's terms found within WINDOW_WORDS of an
    entity of the kind asked for: "the conference was closed by Mr Harry Mulya" answers who closed it."""
    if not question.label_weights or not wanted:
        return 0.0
    text = candidate.passage.text
    words = [(m.start() + candidate.start, m.end() + candidate.start, m.group(0)) for m in _WORD.finditer(candidate.text)]
    best = 0.0
    for start, end, label in candidate.entities:
        if question.label_weights.get(label, 0.0) < 0.3:
            continue
        inside = [i for i, (a, b, _w) in enumerate(words) if a < end and b > start]
        if not inside:
            continue
        lo, hi = max(0, inside[0] - WINDOW_WORDS), min(len(words), inside[-1] + 1 + WINDOW_WORDS)
        near = _terms(" ".join(w for i, (_a, _b, w) in enumerate(words[lo:hi], lo) if i not in inside))
        surface = _terms(text[start:end])
        if surface and not surface - (set(question.focus) | question.pins):
            continue  # the question names it: not an answer
        best = max(best, _share(wanted, near))
    return best


OBJECT_ROLES = {"dobj", "attr", "oprd", "xcomp", "acomp", "ccomp", "pobj", "appos"}


def _depth(token) -> int:
    steps = 0
    while token.head is not token and steps < 50:
        token, steps = token.head, steps + 1
    return steps


def _tree_distance(doc, start: int, targets: set[int]) -> int | None:
    """Steps along the dependency tree from token `start` to the nearest of `targets`."""
    if not targets:
        return None
    frontier, seen, steps = [doc[start]], {start}, 0
    while frontier:
        if any(t.i in targets for t in frontier):
            return steps
        following = []
        for token in frontier:
            for neighbour in [token.head, *token.children]:
                if neighbour.i not in seen:
                    seen.add(neighbour.i)
                    following.append(neighbour)
        frontier, steps = following, steps + 1
    return None


LOCAL_WORDS = 5  # words either side of a span that count as its setting
LOCAL_STEPS = 2  # parse steps from a span that count as its setting


def _near_tokens(doc, inside: set[int], steps: int) -> set[int]:
    """Tokens within `steps` parse steps of any token of a span, the span's own left out."""
    frontier, seen = set(inside), set(inside)
    for _ in range(steps):
        following = set()
        for i in frontier:
            for neighbour in [doc[i].head, *doc[i].children]:
                if neighbour.i not in seen:
                    seen.add(neighbour.i)
                    following.add(neighbour.i)
        frontier = following
    return seen - inside


def span_meaning(span_vectors: np.ndarray | None, question_vector: np.ndarray | None, adapted_vector: np.ndarray | None) -> np.ndarray:
    """The four span-cosine columns (plain, then adapted; each with its gap below the best span):
    set apart, because training refills the adapted ones for each fold's span adapter. Zeros
    where the spans have no vectors (a reader given no embedder)."""
    count = 0 if span_vectors is None else len(span_vectors)
    if not count or question_vector is None or span_vectors.shape[1] != len(question_vector):
        return np.zeros((count, 4), np.float32)
    adapted = question_vector if adapted_vector is None else adapted_vector
    return np.hstack([with_gap(span_vectors @ question_vector), with_gap(span_vectors @ adapted)])


def span_rows(question: Question, doc, spans: Sequence[AnswerSpan], idf: Rarity | None = None, meaning: np.ndarray | None = None) -> np.ndarray:
    """One row of SPAN_FEATURES per span of one parsed sentence (`meaning`: its `span_meaning` columns)."""
    asked = set(question.focus) | question.pins
    weights = {t: (idf(t) if idf is not None else 1.0) for t in asked}
    token_stems = [_terms(t.text) if not t.is_punct else set() for t in doc]
    token_terms = [stems & asked for stems in token_stems]
    matched = {t.i for t in doc if token_terms[t.i]}
    verbs = {t.i for t in doc if token_stems[t.i] & question.verb_terms}
    wants = max(question.label_weights.values(), default=0.0)
    description = float(not question.wants_entity)
    reason = float(question.asks_reason_or_manner)
    text = doc.text
    rows = []
    for span in spans:
        terms = _terms(span.text)
        fit = question.label_weights.get(span.label, 0.0) if span.label else 0.0
        tokens = [t for t in doc if span.start <= t.idx < span.end]
        inside = {t.i for t in tokens}
        outside = matched - inside
        if outside and tokens:
            gap = min(min(abs(t - i) for i in inside) for t in outside) - 1
            near = 1.0 / (1 + max(0, gap))
        else:
            near = 0.0
        distance = _tree_distance(doc, span.root, outside) if tokens else None
        words = [t for t in tokens if t.is_alpha]
        if tokens:
            first, last = tokens[0].i, tokens[-1].i
            window = set().union(*(token_terms[i] for i in range(max(0, first - LOCAL_WORDS), min(len(doc), last + 1 + LOCAL_WORDS)) if i not in inside))
            setting = set().union(*(token_terms[i] for i in _near_tokens(doc, inside, LOCAL_STEPS)))
        else:
            window = setting = set()
        head = doc[span.root].head
        clause = float(span.kind == "clause")
        adposition = float(span.first_pos == "ADP")
        marker = float(span.first_pos in ("PART", "SCONJ") or span.first_dep == "mark")
        rows.append(
            [
                fit,
                wants * (1.0 - fit),
                *(float(span.kind == kind) for kind in KINDS),
                len(terms & asked) / len(terms) if terms else 1.0,
                float(bool(question.noun_terms & terms)),
                near,
                1.0 / (1 + distance) if distance is not None else 0.0,
                1.0 / (1 + verb_distance) if (verb_distance := _tree_distance(doc, span.root, verbs - inside)) is not None else 0.0,
                1.0 / (1 + _depth(doc[span.root])),
                float(doc[span.root].dep_ in OBJECT_ROLES),
                float(doc[span.root].dep_ in ("nsubj", "nsubjpass")),
                math.log1p(len(tokens)),
                sum(w.text[0].isupper() for w in words) / len(words) if words else 0.0,
                idf.of_span(terms) if idf is not None else 0.0,
                adposition,
                marker,
                _expands_pin(text, span, question.pins),
                _share(weights, window),
                0.0,  # local_words_gap, filled below
                _share(weights, setting),
                0.0,
                float(head.i not in inside and bool(_terms(head.text) & question.noun_terms)),
                float(any(c.isdigit() for c in span.text)),
                wants * float(span.kind in ("entity", "joined")),
                wants * math.log1p(len(tokens)),
                description * math.log1p(len(tokens)),
                description * clause,
                description * float(span.kind in ("phrase", "chunk")),
                reason * clause,
                reason * adposition,
                reason * marker,
                0.0,  # span cosines, filled below
                0.0,
                0.0,
                0.0,
            ]
        )
    table = np.array(rows, dtype=np.float32).reshape(len(spans), len(SPAN_FEATURES))
    if meaning is not None and len(meaning) == len(spans):
        table[:, SPAN_MEANING : SPAN_MEANING + 4] = meaning
    for column in ("local_words", "local_tree"):
        values = table[:, SPAN_FEATURES.index(column)]
        table[:, SPAN_FEATURES.index(f"{column}_gap")] = with_gap(values)[:, 1]
    return table


_BRACKETED = re.compile(r"^\s*\(([^)]{1,30})\)")
_BRACKET_BEFORE = re.compile(r"(\S+)\s*\($")


def _expands_pin(text: str, span: AnswerSpan, pins: frozenset[str]) -> float:
    """"Regional Intelligence Liaison Office (RILO)": a span followed by a bracketed name the question
    gives, or bracketed itself right after one, spells that name out."""
    after = _BRACKETED.match(text[span.end :])
    if after and _terms(after.group(1)) & pins:
        return 1.0
    before = _BRACKET_BEFORE.search(text[: span.start])
    return float(bool(before and _terms(before.group(1)) & pins))


def answer_row(logits: np.ndarray, best_row: np.ndarray, span_logit: float | None, span_row: np.ndarray | None) -> np.ndarray:
    """One row of ANSWER_FEATURES for a question: `logits` of its candidate sentences best first,
    `best_row` the best one's SENTENCE_FEATURES, and the chosen short answer's score and SPAN_FEATURES row."""
    margin = min(MARGIN_CAP, float(logits[0] - logits[1])) if len(logits) > 1 else MARGIN_CAP
    sentence = {name: float(best_row[column]) for name, column in _SENTENCE_COLUMNS.items()}
    span = {name: float(span_row[column]) if span_row is not None else 0.0 for name, column in _SPAN_COLUMNS.items()}
    values = {"sentence_logit": float(logits[0]), "sentence_margin": margin, "span_logit": SPAN_FLOOR if span_logit is None else span_logit}
    values |= sentence | span
    return np.array([values[name] for name in ANSWER_FEATURES], dtype=np.float64)
