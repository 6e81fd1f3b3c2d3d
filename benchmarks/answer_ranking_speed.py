"""Time to rank the retrieved passages' sentences as answers, printed (not asserted).

The finder scores every sentence of the five retrieved passages against the question.
With sentence vectors stored in the index this is a lookup; without (an index built
before they were stored) each question embeds its candidate sentences.

    .venv/bin/python benchmarks/answer_ranking_speed.py
"""

from __future__ import annotations

import statistics
import time

from eval.questions import load_questions
from rag import Retriever, load_settings
from rag.answer_finder import AnswerFinder

QUESTIONS = 40


def main() -> None:
    settings = load_settings()
    retriever = Retriever.open(settings=settings)
    texts = [p.text for p in retriever.passages]
    questions = [q.question for q in load_questions()][:QUESTIONS]
    finders = {
        "embedded per question": AnswerFinder(retriever.embedder, corpus_texts=texts),
        "stored in the index": AnswerFinder(retriever.embedder, corpus_texts=texts, stored_vectors=retriever.sentence_vectors),
    }
    for name, finder in finders.items():
        finder.rank(questions[0], [h.passage for h in retriever.search(questions[0], k=settings.answer_passages).hits])  # warm up
        times = []
        for question in questions:
            passages = [h.passage for h in retriever.search(question, k=settings.answer_passages).hits]
            started = time.perf_counter()
            finder.rank(question, passages)
            times.append((time.perf_counter() - started) * 1000)
        print(f"sentence vectors {name}: rank p50 {statistics.median(times):.0f} ms over {len(times)} questions")


if __name__ == "__main__":
    main()
