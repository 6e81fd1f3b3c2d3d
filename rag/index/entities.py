"""Named entities of every answer sentence, found once at build time and stored with the index.

The answer side wants candidates of the type a question asks for (a person for "who", a
date for "when"); finding them at question time would run the recogniser over some fifty
sentences per question. So the index runs spaCy's NER over each distinct sentence once, in
batches, with the pipeline's other components switched off, and stores the spans.

    recognise(["The workshop was officiated by Mr. ARAKI Takahiro."], nlp)
    # [[(35, 50, "PERSON")]]   (start, end, label), offsets in the text
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tqdm import tqdm

from rag.index.passages import Passage
from rag.index.sentences import Entity, SentenceSpan

if TYPE_CHECKING:
    from spacy.language import Language

BATCH = 64


def recognise(texts: Sequence[str], nlp: Language, *, progress: bool = False) -> list[list[Entity]]:
    """The entity spans of each text, in its own offsets."""
    keep = {"ner"} | _ner_needs(nlp)
    disabled = [name for name in nlp.pipe_names if name not in keep]
    found: list[list[Entity]] = []
    with nlp.select_pipes(disable=disabled):
        docs = nlp.pipe(texts, batch_size=BATCH)
        for doc in tqdm(docs, total=len(texts), desc="entities", unit="sentence", disable=not progress):
            found.append([(e.start_char, e.end_char, e.label_) for e in doc.ents])
    return found


def _ner_needs(nlp: Language) -> set[str]:
    """The components NER listens to (a shared tok2vec), which must stay on."""
    return {name for name, component in nlp.pipeline if "ner" in (getattr(component, "listening_components", None) or [])}


def passage_entities(
    passages: Sequence[Passage],
    spans_of: dict[str, list[SentenceSpan]],
    nlp: Language | None,
    *,
    cached: dict[str, list[list[Entity]]] | None = None,
    progress: bool = False,
) -> list[list[list[Entity]]]:
    """For each passage, the entities of each of its answer sentences (offsets in the passage text).

    Each distinct sentence is read once (overlapping passages share sentences); passages whose
    text is in `cached` are not read again, so `nlp` may be None when every one is.
    """
    cached = dict(cached or {})
    texts = {p.content_hash: p.text for p in passages}
    todo = [key for key in texts if key not in cached]
    unique = list(dict.fromkeys(texts[key][s.start : s.end] for key in todo for s in spans_of[key]))
    if unique:
        if nlp is None:
            raise ValueError("new sentences need a spaCy pipeline")
        by_text = dict(zip(unique, recognise(unique, nlp, progress=progress)))
        for key in todo:
            cached[key] = [
                [(s.start + a, s.start + b, label) for a, b, label in by_text[texts[key][s.start : s.end]]] for s in spans_of[key]
            ]
    for key in todo:
        cached.setdefault(key, [[] for _ in spans_of[key]])
    return [cached[p.content_hash] for p in passages]
