"""Calibrate the answer threshold: how sure must the best sentence be before the assistant answers?

No model is run: this ranks the sentences of the retrieved passages for every question
(as the assistant does before generating) and sweeps the threshold, printing for each
the share of unanswerable questions abstained, the false abstention rate, and how often
the quoted answer (the best sentence, with its passage's next-best one when that is
within `second_sentence_margin`) holds the gold answer, and the citation precision of the
answers given (cited passages holding an evidence quote or the gold, as the harness scores it).

    .venv/bin/python -m eval.calibrate                         # eval/questions.jsonl
    .venv/bin/python -m eval.calibrate --questions eval/heldout.jsonl
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from tqdm import tqdm

from eval.answer_metrics import contains_gold, supports
from eval.questions import DEFAULT_QUESTIONS, Question, load_questions
from rag.answer_finder import AnswerFinder, companion
from rag.config import load_settings
from rag.retriever import Retriever


def rank_all(questions: list[Question], retriever: Retriever, finder: AnswerFinder, k: int, margin: float) -> list[dict]:
    """The best sentence, its score and the quoted answer for every question."""
    rows = []
    for question in tqdm(questions, desc="rank sentences", unit="q"):
        hits = retriever.search(question.question, k=k).hits
        candidates = finder.rank(question.question, [h.passage for h in hits])
        score = candidates[0].score if candidates else 0.0  # what the threshold is held against
        candidates = finder.within_setting(question.question, candidates, retriever.article)
        best = candidates[0] if candidates else None
        also = companion(best, candidates, margin) if best else None
        quoted = " ".join(c.text for c in (best, also) if c is not None)
        holding = [supports(question, c.passage.text) for c in (best, also) if c is not None]
        top3 = " ".join(c.text for c in candidates[:3])
        rows.append(
            {
                "id": question.id,
                "type": question.type,
                "answerable": question.answerable,
                "score": score,
                "sentence": best.text if best else "",
                "signals": best.signals if best else {},
                "answer": quoted,
                "gold_in_answer": contains_gold(quoted, question.answers),
                "citation_precision": sum(holding) / len(holding) if holding else None,
                "gold_in_top3": contains_gold(top3, question.answers),
            }
        )
    return rows


def sweep(rows: list[dict], thresholds: list[float]) -> list[dict]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    table = []
    for threshold in thresholds:
        answered = [r for r in answerable if r["score"] >= threshold]
        table.append(
            {
                "threshold": threshold,
                "abstains_on_unanswerable": sum(r["score"] < threshold for r in unanswerable) / max(1, len(unanswerable)),
                "false_abstention": 1 - len(answered) / max(1, len(answerable)),
                "gold_in_answer": sum(r["gold_in_answer"] for r in answered) / max(1, len(answerable)),
                "citation_precision": sum(r["citation_precision"] or 0.0 for r in answered) / max(1, len(answered)),
            }
        )
    return table


def main(
    questions: Annotated[Optional[Path], typer.Option(help="Question file; default eval/questions.jsonl.")] = None,
    k: Annotated[int, typer.Option(help="Passages ranked per question (the assistant's answer_passages).")] = 0,
    dump: Annotated[Optional[Path], typer.Option(help="Write every question's best sentence here (JSON).")] = None,
) -> None:
    settings = load_settings()
    retriever = Retriever.open(settings=settings)
    finder = AnswerFinder(
        retriever.embedder, corpus_texts=[p.text for p in retriever.passages], stored_vectors=retriever.sentence_vectors
    )
    rows = rank_all(
        load_questions(questions or DEFAULT_QUESTIONS), retriever, finder, k or settings.answer_passages, settings.second_sentence_margin
    )
    answerable = [r for r in rows if r["answerable"]]
    typer.echo(
        f"{len(rows)} questions; gold in the quoted answer {sum(r['gold_in_answer'] for r in answerable) / len(answerable):.3f}, "
        f"in best three {sum(r['gold_in_top3'] for r in answerable) / len(answerable):.3f}"
    )
    typer.echo(f"{'threshold':>9s} {'abstain unans':>13s} {'false abst':>10s} {'gold in answer':>14s} {'cit. precision':>14s}")
    for line in sweep(rows, [round(0.30 + 0.01 * i, 2) for i in range(46)]):
        typer.echo(
            f"{line['threshold']:9.2f} {line['abstains_on_unanswerable']:13.3f} {line['false_abstention']:10.3f} {line['gold_in_answer']:14.3f}"
            f" {line['citation_precision']:14.3f}"
        )
    if dump:
        dump.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
