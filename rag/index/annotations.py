"""What spaCy reads in every answer sentence, once at build time, stored with the index.

The answer side wants candidates of the kind a question asks for (a person for "who", a
date for "when"), and to know whether a sentence says something of a thing (the thing is
its subject, and it has a verb) or only names it, as a table row or heading does. Reading
that at question time would run the pipeline over some fifty sentences per question, so
the index runs it over each distinct sentence once, in batches, and stores per sentence:

- its named entities: (start, end, label), offsets in the sentence;
- the spans of its subjects (the subtree of each nsubj / nsubjpass);
- whether it has a verb, read from the tagger's Penn Treebank tags (VB*, MD).

The lemmatizer, which nothing here uses, is switched off, and so is the attribute ruler
where the tagger speaks Penn Treebank: it only maps those tags to coarse parts of speech,
and took 3 of 12 s of the corpus's parse (entities, parses and the verb flag were the same
for all 1,934 sentences without it).

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
SUBJECTS = ("nsubj", "nsubjpass")
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})  # Penn Treebank: every tag the coarse VERB/AUX cover


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
    by_tag = _tags_are_penn(nlp)
    unused = ["lemmatizer", *(["attribute_ruler"] if by_tag else [])]
    with nlp.select_pipes(disable=[name for name in unused if name in nlp.pipe_names]):
        for doc in tqdm(nlp.pipe(texts, batch_size=BATCH), total=len(texts), desc="parsing", unit="sentence", disable=not progress):
            subjects = tuple(
                (doc[t.left_edge.i].idx, doc[t.right_edge.i].idx + len(doc[t.right_edge.i])) for t in doc if t.dep_ in SUBJECTS
            )
            entities = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
            has_verb = any(t.tag_ in VERB_TAGS for t in doc) if by_tag else any(t.pos_ in ("VERB", "AUX") for t in doc)
            found.append(SentenceNotes(entities, subjects, has_verb))
    return found


def _tags_are_penn(nlp: Language) -> bool:
    """Whether the pipeline's tagger gives Penn Treebank tags, so a verb is known without the
    attribute ruler (another pipeline keeps it and is read by coarse part of speech)."""
    if "tagger" not in nlp.pipe_names:
        return False
    return VERB_TAGS <= set(nlp.get_pipe("tagger").labels)


def new_sentences(
    passages: Sequence[Passage], spans_of: dict[str, list[SentenceSpan]], cached: dict[str, list[SentenceNotes]]
) -> list[str]:
    """The distinct answer sentences of the passages whose notes `cached` lacks, in order."""
    return list(
        dict.fromkeys(p.text[s.start : s.end] for p in passages if p.content_hash not in cached for s in spans_of[p.content_hash])
    )


def passage_notes(
    passages: Sequence[Passage],
    spans_of: dict[str, list[SentenceSpan]],
    by_text: dict[str, SentenceNotes],
    *,
    cached: dict[str, list[SentenceNotes]] | None = None,
) -> list[list[SentenceNotes]]:
    """For each passage, the notes of each of its answer sentences (offsets in the passage text):
    from `cached` (the previous build) for a text it holds, else each sentence's from `by_text`."""
    cached = cached or {}
    return [
        cached[p.content_hash]
        if p.content_hash in cached
        else [by_text[p.text[s.start : s.end]].shifted(s.start) for s in spans_of[p.content_hash]]
        for p in passages
    ]
