"""Speed of answers, printed (not asserted): the reader's whole answer, warm, and `rag ask` from a cold start.

    .venv/bin/python benchmarks/answer_speed.py

Target (the reader issue): whole answer p50 <= 1.5 s with the default settings on 2 cores.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from eval.questions import load_questions
from rag import Assistant, Retriever, load_settings

RAG = str(Path(sys.executable).with_name("rag"))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main() -> None:
    settings = load_settings()
    assistant = Assistant(Retriever.open(settings=settings), settings=settings)
    assistant.warm_up()
    questions = [q.question for q in load_questions()]
    for question in questions[:5]:
        assistant.ask(question)
    totals, parts = [], {"retrieve": [], "read": []}
    for question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question)
        totals.append((time.perf_counter() - started) * 1000)
        for name in parts:
            parts[name].append(answer.timings_ms[name] or 0.0)
    print(f"warm answer, reader only ({len(questions)} questions): p50 {_p(totals, 50):.0f} ms, p95 {_p(totals, 95):.0f} ms")
    print(f"  of which retrieval p50 {statistics.median(parts['retrieve']):.0f} ms (analysis included), reading p50 {statistics.median(parts['read']):.0f} ms")
    colds = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([RAG, "ask", "Where was the 21st RTC Heads meeting held?"], check=True, capture_output=True)
        colds.append(time.perf_counter() - started)
    print(f"cold `rag ask`: median of 3 {statistics.median(colds):.2f} s")


if __name__ == "__main__":
    main()
