"""Which sentence of the retrieved passages answers the question?

A 270M-parameter model often copies the wrong sentence, so the system finds the answer
sentence itself and hands the model only the best few. Each sentence of the passages is
scored on what a careful reader looks for:

- meaning: cosine between the question and the sentence (the embedding model was trained
  on question–answer pairs);
- coverage: the share of the question's terms, weighted by how rare they are in the
  corpus, that the sentence (or the sentence before it, which often names the subject)
  contains;
- the thing asked for (`rag/question_kinds.py` reads it from the question, and
  `rag/sentence_facts.py` finds it in the sentence): "how many" wants a number followed by
  what is counted, "how much did it cost" a sum with its currency, "when" a date that adds
  to the question's, "who" a person named with a title or post, "where" a place name. For
  numbers, sums, dates and people this is a requirement: a sentence without one cannot
  answer, nor can a date sentence that shares no word of what happened, nor a dateline
  (it dates the article, not what was asked about), nor a sentence about another
  numbered instance ("the second edition" for "the third"). "Who closed the conference?"
  wants a sentence saying it was closed, in any of the words WordNet has for it; "which
  Fijian city" a town GeoNames knows, in Fiji ("where is it based" one tied to it);
  "where" a town or country; "which venue" one by its name; "which eight countries" the
  countries listed, not people. Where no sentence is left the assistant abstains;
- prose: a full sentence, not a heading or caption (those restate a topic, not a fact);
- the passage's place in the retrieval ranking.

A question that names the event it is about ("What initiative did China Customs propose at
the APEC Seminar on Smart Customs held in December 2023?") is then read again: the event's
words found the article, but they also favour the sentence introducing the event, while
the answer sits further on, often in the article's next passage. `within_setting` ranks
the whole article's sentences by what is asked alone, in place of the ranking above.

The top score also decides abstention: below `answer_threshold` no sentence is close
enough, and the assistant says the newsletters don't say.

    finder = AnswerFinder(embedder, corpus_texts=[p.text for p in retriever.passages])
    for candidate in finder.rank("Where was the 21st RTC Heads meeting held?", passages)[:3]:
        print(round(candidate.score, 3), candidate.text)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from rag.embedder import Embedder
from rag.passages import Passage
from rag.question_kinds import (
    EVENT_CHECKED,
    Asked,
    act_asked,
    asks_venue,
    asks_where,
    asks_where_it_is,
    asked_for,
    asked_post,
    asks_about_authorship,
    counted,
    date_precision,
    event_terms,
    names_listed,
    numbered_things,
    requires_asked_for,
    speaks_of_another,
    town_region,
)
from rag.question_parts import asked_in_setting, own_words
from rag.places import countries_named, place_names, placed_in, says_online, town_names, venue_names
from rag.related_words import related_words
from rag.sentence_facts import has_asked_for, is_byline, is_prose, listed_names
from rag.sentences import answer_sentences
from rag.terms import content_terms

# Weights of the signals; chosen on eval/questions.jsonl and checked on the held-out set
# (README, "Answers"). Meaning, coverage and the thing asked for carry most of it.
WEIGHTS = {"meaning": 1.0, "coverage": 1.5, "asked_for": 1.5, "prose": 0.4, "rank": 1.0}
CONTEXT_DISCOUNT = 0.8  # coverage found only with the previous sentence counts for less
MIN_LISTED = 3  # "which nine ..." wants a list: three names listed together show one, whatever its length


@dataclass(frozen=True)
class Candidate:
    """One sentence of a given passage, scored as an answer to the question."""

    passage_index: int  # position in the passages handed to `rank`
    passage: Passage
    start: int  # offsets in passage.text
    end: int
    score: float
    signals: dict[str, float]

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


class AnswerFinder:
    """Ranks the sentences of retrieved passages as answers to a question."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        corpus_texts: Sequence[str],
        weights: dict[str, float] | None = None,
        stored_vectors: Callable[[Passage], np.ndarray | None] | None = None,
    ) -> None:
        self.embedder = embedder
        self._stored_vectors = stored_vectors or (lambda passage: None)
        self._corpus_texts = corpus_texts
        self.weights = {**WEIGHTS, **(weights or {})}

    @cached_property
    def _idf(self) -> dict[str, float]:
        frequency: Counter[str] = Counter()
        for text in self._corpus_texts:
            frequency.update(set(content_terms(text)))
        total = max(1, len(self._corpus_texts))
        return {term: math.log(1 + total / count) for term, count in frequency.items()}

    def idf(self, term: str) -> float:
        """Rarity of a stemmed term; one the corpus never uses is as rare as can be."""
        return self._idf.get(term, math.log(1 + max(1, len(self._corpus_texts))))

    def _coverage(self, wanted: dict[str, float], text: str) -> float:
        present = set(content_terms(text))
        total = sum(wanted.values())
        return sum(weight for term, weight in wanted.items() if term in present) / total if total else 0.0

    def rank(self, question: str, passages: Sequence[Passage], *, by_retrieval_rank: bool = True) -> list[Candidate]:
        """The sentences of `passages` (best passage first) that could answer, best first.

        For a number, sum or date question only sentences holding a new one are kept.
        Without `by_retrieval_rank` the passages' order counts for nothing (one article's passages).
        """
        question_terms = content_terms(question)
        wanted = {term: self.idf(term) for term in question_terms}
        kind = asked_for(question)
        things_counted = counted(question)
        required = requires_asked_for(kind, question)
        happening = event_terms(own_words(question)) - things_counted
        precision = date_precision(question)
        question_things = numbered_things(question)
        post = asked_post(question)
        authorship = asks_about_authorship(question)
        act = act_asked(question) if kind is Asked.PERSON else None
        # one of these must be said around the answer: what happened, for a date; the act, for "who did it"
        must_mention = happening if kind in EVENT_CHECKED else _act_terms(*act) if act else set()
        several = min(names_listed(question), MIN_LISTED)
        town_countries = countries_named(town_region(question)) if kind is Asked.TOWN else frozenset()
        where_it_is = kind in (Asked.TOWN, Asked.PLACE) and asks_where_it_is(question)
        place_wanted = kind is Asked.PLACE and asks_where(question)
        venue_wanted = kind is Asked.PLACE and asks_venue(question)
        spans = [(index, span) for index, passage in enumerate(passages) for span in answer_sentences(passage.text)]
        if not spans:
            return []
        texts = [passages[i].text[span.start : span.end] for i, span in spans]
        meaning = self._sentence_vectors(passages, spans, texts) @ self.embedder.embed_query(question)
        asked_terms = set(question_terms)
        candidates = []
        for (index, (begin, end, previous)), text, cosine in zip(spans, texts, meaning):
            passage = passages[index]
            coverage = self._coverage(wanted, text)
            if previous is not None:
                coverage = max(coverage, CONTEXT_DISCOUNT * self._coverage(wanted, passage.text[previous:end]))
            signals = {
                "meaning": float(cosine),
                "coverage": coverage,
                "asked_for": has_asked_for(kind, text, asked_terms, post if kind is Asked.PERSON else things_counted, precision),
                "prose": is_prose(text),
                "rank": 1.0 / (1 + index) if by_retrieval_rank else 1.0,
            }
            if required and signals["asked_for"] < 1:
                continue
            if text.rstrip().endswith("?"):
                continue  # the text asking a question ("What is the feature of the new GEOAT?") answers nothing
            if kind is Asked.DATE and not signals["prose"]:
                continue  # a dateline ("6-7 December 2022, Bangkok") dates the article, not what the question asks about
            if not authorship and is_byline(text):
                continue
            context = passage.text[previous if previous is not None else begin : end]
            if question_things and speaks_of_another(question_things, context):
                continue
            around = passage.title + " " + context
            if must_mention and not must_mention & set(content_terms(around)):
                continue  # another event's date; "Who closed the conference?" is not answered by who took part in it
            if kind is Asked.TOWN:
                towns = _new_names(town_names(around, town_countries), asked_terms)
                if not towns:
                    continue  # "In which Fijian city ...?" is not answered by one naming Fiji, or Lima
                if where_it_is and not placed_in(context, towns, asked_terms):
                    continue  # where the Union is based is not where its Secretary General visited
            if place_wanted and not says_online(context):
                places = _new_names(place_names(around), asked_terms)
                if not places:
                    continue  # "Where was the forum held?" is not answered by "has been organising the forum since 2011"
                if where_it_is and not placed_in(context, places, asked_terms):
                    continue  # "Where is RTC Japan?" is not answered by a list of the RTCs at a meeting
            if venue_wanted and not _new_names(venue_names(context), asked_terms):
                continue  # "At which venue in Tokyo ...?" is not answered by the event held there
            if several and listed_names(context, asked_terms, people=kind is Asked.PERSON) < several:
                continue  # "Which eight countries ...?" is not answered by "participants from 8 countries"
            score = sum(self.weights[name] * value for name, value in signals.items()) / sum(self.weights.values())
            candidates.append(Candidate(index, passage, begin, end, score, signals))
        return sorted(candidates, key=lambda c: -c.score)

    def within_setting(
        self, question: str, ranked: list[Candidate], article_of: Callable[[Passage], Sequence[Passage]]
    ) -> list[Candidate]:
        """`ranked` led by the best sentences of the best sentence's whole article ranked by what is
        asked alone, when the question names the event it is about; else `ranked` as it is."""
        asked, setting = asked_in_setting(question)
        if not setting or not ranked:
            return ranked
        article = article_of(ranked[0].passage)
        inside = self.rank(asked, article, by_retrieval_rank=False)
        if not inside:
            return ranked
        in_article = {passage.id for passage in article}
        return _each_sentence_once(inside) + [c for c in ranked if c.passage.id not in in_article]

    def _sentence_vectors(self, passages: Sequence[Passage], spans: list, texts: list[str]) -> np.ndarray:
        """Vectors of the sentences, from the index where it holds them, else embedded now."""
        counts = Counter(index for index, _span in spans)
        stored = {index: self._stored_vectors(passage) for index, passage in enumerate(passages)}
        stored = {index: v if v is not None and len(v) == counts[index] else None for index, v in stored.items()}
        missing = [row for row, (index, _span) in enumerate(spans) if stored[index] is None]
        fresh = iter(self.embedder.embed_documents([texts[row] for row in missing]) if missing else [])
        vectors, seen = [], Counter()
        for index, _span in spans:
            if stored[index] is None:
                vectors.append(next(fresh))
            else:
                vectors.append(stored[index][seen[index]])
            seen[index] += 1
        return np.stack(vectors)


def _act_terms(verb: str, done_as: str) -> set[str]:
    """Stems of the words that say the act: the verb's WordNet relatives, and the kind a support verb's
    object names ("closing" remarks); none where WordNet knows no such verb and there is no object."""
    return set(content_terms(" ".join(related_words(verb) if verb else ()) + " " + done_as))


def _new_names(names: Iterable[str], asked_terms: set[str]) -> set[str]:
    """The names the question does not already give ("Seoul", not "Korea", for "In which Korean city ...?")."""
    return {name for name in names if set(content_terms(name)) - asked_terms}


def _each_sentence_once(candidates: list[Candidate]) -> list[Candidate]:
    """An article's passages overlap, so the same sentence can come twice; its best copy is kept."""
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.text not in seen:
            seen.add(candidate.text)
            unique.append(candidate)
    return unique


def companion(best: Candidate, candidates: list[Candidate], margin: float) -> Candidate | None:
    """The next-best sentence of the best sentence's passage, when nearly as good.

    An answer often takes two sentences: one names the event the question describes, the
    next gives the figure or name asked for, and the finder cannot always tell which. A
    heading or caption ("WORLD CUSTOMS ORGANIZATION") adds nothing to it.
    """
    for candidate in candidates:
        if candidate is not best and candidate.passage.id == best.passage.id and is_prose(candidate.text):
            return candidate if best.score - candidate.score <= margin else None
    return None


def top_per_passage(candidates: list[Candidate], limit: int) -> list[Candidate]:
    """The best sentence of each of the best `limit` passages, best first."""
    chosen: list[Candidate] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.passage.id not in seen:
            seen.add(candidate.passage.id)
            chosen.append(candidate)
            if len(chosen) == limit:
                break
    return chosen

