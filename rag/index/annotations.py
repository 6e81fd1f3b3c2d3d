"""What spaCy reads in every answer sentence, once at build time, stored with the index.

The answer side wants candidates of the kind a question asks for (a person for "who", a
date for "when"), and to know whether a sentence says something of a thing (the thing is
its subject, and it has a verb) or only names it, as a table row or heading does. Reading
that at question time would run the pipeline over some fifty sentences per question, so
the index runs it over each distinct sentence once, in batches (the lemmatizer, which
nothing uses, switched off), and stores per sentence:

- its named entities: (start, end, label), offsets in the sentence;
- the spans of its subjects (the subtree of each nsubj / nsubjpass);
- whether it has a verb.

    notes = annotate(["BACUDA is an abbreviation of Band of Customs Data Analysts."], nlp)
    notes[0].subjects   # ((0, 6),)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tqdm import tqdm

from rag.index.passages import Passage
from rag.index.sentences import Entity, SentenceSpan

if TYPE_CHECKING:
    from spacy.language import Language

BATCH = 256  # sentences per nlp.pipe batch: 10.5 s for the corpus against 14.7 s at 64
UNUSED = ("lemmatizer",)
SUBJECTS = ("nsubj", "nsubjpass")


@dataclass(frozen=True)
class SentenceNotes:
    """What the pipeline found in one sentence (offsets in the text it was given)."""

    entities: tuple[Entity, ...] = ()
    subjects: tuple[tuple[int, int], ...] = ()
    has_verb: bool = False

    def shifted(self, offset: int) -> SentenceNotes:
        return SentenceNotes(
            tuple((s + offset, e + offset, label) for s, e, label in self.entities),
            tuple((s + offset, e + offset) for s, e in self.subjects),
            self.has_verb,
        )

    def to_json(self) -> dict:
        return {"entities": [list(e) for e in self.entities], "subjects": [list(s) for s in self.subjects], "verb": self.has_verb}

    @classmethod
    def from_json(cls, data: dict) -> SentenceNotes:
        return cls(tuple(tuple(e) for e in data["entities"]), tuple(tuple(s) for s in data["subjects"]), bool(data["verb"]))


def annotate(texts: Sequence[str], nlp: Language, *, progress: bool = False) -> list[SentenceNotes]:
    """The notes of each text, in its own offsets."""
    found: list[SentenceNotes] = []
    with nlp.select_pipes(disable=[name for name in UNUSED if name in nlp.pipe_names]):
        for doc in tqdm(nlp.pipe(texts, batch_size=BATCH), total=len(texts), desc="parsing", unit="sentence", disable=not progress):
            subjects = tuple(
                (doc[t.left_edge.i].idx, doc[t.right_edge.i].idx + len(doc[t.right_edge.i])) for t in doc if t.dep_ in SUBJECTS
            )
            entities = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
            found.append(SentenceNotes(entities, subjects, any(t.pos_ in ("VERB", "AUX") for t in doc)))
    return found


def passage_notes(
    passages: Sequence[Passage],
    spans_of: dict[str, list[SentenceSpan]],
    nlp: Language | None,
    *,
    cached: dict[str, list[SentenceNotes]] | None = None,
    progress: bool = False,
) -> list[list[SentenceNotes]]:
    """For each passage, the notes of each of its answer sentences (offsets in the passage text).

    Each distinct sentence is read once (overlapping passages share sentences); passages whose
    text is in `cached` are not read again, so `nlp` may be None when every one is.
    """
    cached = dict(cached or {})
    texts = {p.content_hash: p.text for p in passages}
    todo = [key for key in texts if key not in cached]
    unique = list(dict.fromkeys(texts[key][s.start : s.end] for key in todo for s in spans_of[key]))
    by_text: dict[str, SentenceNotes] = {}
    if unique:
        if nlp is None:
            raise ValueError("new sentences need a spaCy pipeline")
        by_text = dict(zip(unique, annotate(unique, nlp, progress=progress)))
    for key in todo:
        cached[key] = [by_text[texts[key][s.start : s.end]].shifted(s.start) for s in spans_of[key]]
    return [cached[p.content_hash] for p in passages]
