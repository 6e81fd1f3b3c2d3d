"""Speed figures for the retriever, printed (not asserted): build, warm query, cold CLI.

    .venv/bin/python benchmarks/retrieval_speed.py

Targets (issue 17): a build of the five issues from nothing ≤ 30 s on 2 cores (everything
the answer path needs: passage and sentence vectors, spaCy's notes); warm hybrid query p50
(query embedding included) ≤ 10 ms; `rag search` from a cold start ≤ 3 s. A cold `rag ask`
is measured too. Builds run three times (this machine's timings wander by ±15%).
"""

from __future__ import annotations

import os
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
        builds, peaks = [], []
        for _ in range(3):
            started = time.perf_counter()
            process = subprocess.Popen([RAG, "index", "--rebuild", "--index-dir", str(index_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _pid, status, usage = os.wait4(process.pid, 0)
            if status != 0:
                raise SystemExit("rag index failed")
            builds.append(time.perf_counter() - started)
            peaks.append(usage.ru_maxrss / 2**20)

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

        cold: dict[str, list[float]] = {"search": [], "ask": []}
        for command in cold:
            for _ in range(3):
                t = time.perf_counter()
                subprocess.run([RAG, command, "Who opened the AEO workshop?", "--index-dir", str(index_dir)], check=True, capture_output=True)
                cold[command].append(time.perf_counter() - t)

    print(
        f"build from nothing (5 issues, rag index --rebuild): median {statistics.median(builds):.1f} s "
        f"(runs {', '.join(f'{b:.1f}' for b in builds)}); peak memory {max(peaks):.2f} GiB"
    )
    for mode, (p50, p95) in timings.items():
        print(f"warm {mode:6s} query: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(questions) * 3} queries)")
    for command, runs in cold.items():
        print(f"cold `rag {command}`: median {statistics.median(runs):.2f} s (3 runs)")


if __name__ == "__main__":
    main()
