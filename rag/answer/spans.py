"""Short-answer candidates inside a sentence: its entities and the phrases of its parse.

The reader's short answer ("Kashiwa, Japan", "21", "the Labrador") is one span of the
quoted sentence. The candidates come from two readers of the text, none from the
question's wording:

- the entities the index stored for the sentence, alone and joined where the text joins
  them ("Kashiwa, Japan"; "Osaka Customs and Kobe Customs");
- the sentence's parse: its noun chunks, and the subtree under each word with a
  grammatical role an answer plays (object, subject, attribute, apposition, and the
  clauses and prepositional phrases that give a purpose, a cause or a means: "to
  strengthen mutual cooperation", "due to the pandemic", "via the CLiKC! platform");
- the whole sentence, for a question nothing shorter answers.

    spans = candidate_spans(doc, entities)     # doc: the parsed sentence
    [(s.text, s.kind) for s in spans]
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.question import Question
from rag.index.sentences import Entity
from rag.terms import content_terms

NOMINAL_ROLES = {"dobj", "pobj", "attr", "appos", "nsubj", "nsubjpass", "oprd", "npadvmod", "dative", "conj"}
CLAUSAL_ROLES = {"advcl", "xcomp", "ccomp", "acl", "relcl", "prep", "agent", "pcomp", "advmod"}
MAX_SPAN_TOKENS = 30
KINDS = ("entity", "joined", "chunk", "phrase", "clause", "sentence")  # in the order a duplicate keeps
JOINERS = (", ", " and ", ", and ", " & ")


@dataclass(frozen=True)
class AnswerSpan:
    """A candidate short answer: character offsets in the sentence, and how it was found."""

    start: int
    end: int
    text: str
    kind: str  # one of KINDS
    label: str = ""  # the entity label, for entities and joined entities
    root: int = 0  # index of its head token in the sentence's parse
    first_pos: str = ""  # part of speech of its first token ("ADP" for "by ...", "PART" for "to ...")
    first_dep: str = ""


def _strip(doc, start: int, end: int) -> tuple[int, int]:
    """Token range without a leading determiner or possessive and without edge punctuation."""
    while start < end and (doc[start].is_punct or doc[start].pos_ == "DET" or doc[start].dep_ == "poss" and doc[start].pos_ == "PRON"):
        start += 1
    while end > start and doc[end - 1].is_punct and doc[end - 1].text not in (")", "%"):
        end -= 1
    return start, end


def _with_its_quotes(doc, start: int, end: int) -> tuple[int, int]:
    """A range holding one quotation mark of a pair takes in the other where it stands just outside
    ('abbreviation of "Band of Customs Data Analysts' gets its closing mark, 'to change" in Korean'
    its opening one)."""
    text = doc[start:end].text
    if text.count('"') % 2 == 0 and text.count("“") == text.count("”"):
        return start, end
    after = doc[end].text if end < len(doc) else ""
    before = doc[start - 1].text if start > 0 else ""
    if after in ('"', "”") and (text.count('"') % 2 or text.count("“") > text.count("”")):
        return start, end + 1
    if before in ('"', "“"):
        return start - 1, end
    return start, end


def _make(doc, start: int, end: int, kind: str, label: str = "") -> AnswerSpan | None:
    start, end = _with_its_quotes(doc, *_strip(doc, start, end))
    if start >= end or end - start > MAX_SPAN_TOKENS:
        return None
    span = doc[start:end]
    return AnswerSpan(
        span.start_char - doc[0].idx,
        span.end_char - doc[0].idx,
        span.text,
        kind,
        label,
        span.root.i - doc[0].i,
        doc[start].pos_,
        doc[start].dep_,
    )


def _entity_spans(doc, entities: list[Entity]) -> list[AnswerSpan]:
    found: list[AnswerSpan] = []
    located = []
    for begin, end, label in entities:
        span = doc.char_span(begin, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        located.append((span, label))
        found.append(AnswerSpan(begin, end, doc.text[begin:end], "entity", label, span.root.i, span[0].pos_, span[0].dep_))
    for (first, label), (second, other) in zip(located, located[1:]):
        between = doc.text[first.end_char : second.start_char]
        if between in JOINERS and (other == label or other in ("GPE", "LOC")):
            begin, end = first.start_char, second.end_char
            found.append(AnswerSpan(begin, end, doc.text[begin:end], "joined", label, first.root.i, first[0].pos_, first[0].dep_))
    return found


def candidate_spans(doc, entities: list[Entity]) -> list[AnswerSpan]:
    """Every candidate short answer of one parsed sentence (`entities`: offsets in the sentence), each once."""
    spans = _entity_spans(doc, entities)
    for chunk in doc.noun_chunks:
        spans.append(_make(doc, chunk.start, chunk.end, "chunk"))
    for token in doc:
        if token.dep_ in NOMINAL_ROLES and token.pos_ in ("NOUN", "PROPN", "NUM", "PRON"):
            spans.append(_make(doc, token.left_edge.i, token.right_edge.i + 1, "phrase"))
        elif token.dep_ in CLAUSAL_ROLES and (token.pos_ in ("VERB", "ADP", "AUX") or token.dep_ == "advcl"):
            spans.append(_make(doc, token.left_edge.i, token.right_edge.i + 1, "clause"))
    spans.append(_make(doc, 0, len(doc), "sentence"))
    unique: dict[tuple[int, int], AnswerSpan] = {}
    for span in sorted((s for s in spans if s is not None), key=lambda s: KINDS.index(s.kind)):
        unique.setdefault((span.start, span.end), span)
    return list(unique.values())


BEST_KIND_SHARE = 0.5  # labels fitting at least this share of the best fit are the kind asked for


def of_wanted_kind(question: Question, spans: list[AnswerSpan]) -> list[AnswerSpan]:
    """For a question asking for an entity, the sentence's entities of the kind that fits it best
    ("who": people), else of any kind that fits ("who": an organisation), leaving out those the
    question names itself; every span where there are none, and for what / why / how questions."""
    weights = question.label_weights
    best = max(weights.values(), default=0.0)
    asked = set(question.focus) | question.pins
    new = [s for s in spans if s.label and weights.get(s.label, 0.0) > 0 and set(content_terms(s.text)) - asked]
    closest = [s for s in new if weights[s.label] >= BEST_KIND_SHARE * best]
    return closest or new or spans
