"""Speed figures for the retriever, printed (not asserted): build, warm query, cold CLI.

    .venv/bin/python benchmarks/retrieval_speed.py

Targets (issue 2): full build of the five issues < 30 s on 2 cores; warm hybrid query
(query embedding included) p50 < 15 ms; `rag search` from a cold start < 8 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.questions import load_questions
from rag import Retriever, load_settings

RAG = str(Path(sys.executable).with_name("rag"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        started = time.perf_counter()
        subprocess.run([RAG, "index", "--rebuild", "--index-dir", str(index_dir)], check=True, capture_output=True)
        build_s = time.perf_counter() - started

        retriever = Retriever.open(settings=load_settings(overrides={"index_dir": index_dir}))
        retriever.warm_up()
        questions = [q.question for q in load_questions()]
        for question in questions[:10]:
            retriever.search(question)
        timings = {}
        for mode in ("hybrid", "dense", "bm25"):
            samples = []
            for question in questions * 3:
                t = time.perf_counter()
                retriever.search(question, mode=mode)
                samples.append((time.perf_counter() - t) * 1000)
            samples.sort()
            timings[mode] = (statistics.median(samples), samples[int(len(samples) * 0.95)])

        cold = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([RAG, "search", "Who opened the AEO workshop?", "--index-dir", str(index_dir)], check=True, capture_output=True)
            cold.append(time.perf_counter() - t)

    print(f"build from nothing (5 issues, rag index --rebuild): {build_s:.1f} s")
    for mode, (p50, p95) in timings.items():
        print(f"warm {mode:6s} query: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(questions) * 3} queries)")
    print(f"cold `rag search`: median {statistics.median(cold):.2f} s (3 runs)")


if __name__ == "__main__":
    main()
