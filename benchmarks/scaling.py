"""What the index costs as the corpus grows: 5, 50 and 500 issues, exact search against HNSW.

    .venv/bin/python benchmarks/scaling.py                 # 5 and 50 issues (a few minutes)
    .venv/bin/python benchmarks/scaling.py --sizes 5 50 500   # 500 takes about 30 min on 2 cores
    .venv/bin/python benchmarks/scaling.py --sizes 500 --work DIR           # keep the indexes it built in DIR
    .venv/bin/python benchmarks/scaling.py --sizes 500 --work DIR --reuse   # search them again, no build

The synthetic issues are made from the five real ones: issue j is real issue j mod 5 with
its number changed and, past the first five, the sentences of each paragraph shuffled, so
every passage is new text that must be embedded (identical text would be embedded once
and make the build look cheaper than it is). Their sentences repeat the real ones, so the
spaCy pass, which reads each distinct sentence once, grows slower here than it would with
real issues.

For each size it prints the build time of `rag index --rebuild` (a fresh process), its peak
memory, the index size on disk, and warm query p50 for hybrid search on exact (flat) and
HNSW FAISS indexes over the same vectors, with HNSW's recall@10 against exact search: by
row, and counting as found a row whose cosine ties the exact 10th (within TIE; the
synthetic issues hold near-copies of each passage, which tie), at several search widths.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.questions import load_questions
from rag import Retriever, load_settings
from rag.index.dense import DenseIndex
from rag.index.store import current_build

RAG = str(Path(sys.executable).with_name("rag"))
CORPUS = Path(__file__).resolve().parent.parent / "data" / "newsletters"
EF_SEARCH = (128, 256, 512)  # HNSW search widths tried (256 is the index's own)
TIE = 1e-4  # cosines this close to the exact 10th count as ties
NUMBER = re.compile(r"((?:No|Vol)\.?\s?)(\d{1,4})")


def synthetic_corpus(size: int, folder: Path) -> None:
    """`size` issues in `folder`: the real five first, then renumbered, shuffled copies."""
    real = sorted(CORPUS.glob("*.txt"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for j in range(size):
        source = real[j % len(real)]
        if j < len(real):
            shutil.copy(source, folder / source.name)
            continue
        number = 1000 + j
        text = source.read_text(encoding="utf-8")
        head, body = text[:2500], text[2500:]
        head = NUMBER.sub(lambda m: f"{m.group(1)}{number}", head)
        rng = random.Random(j)
        paragraphs = []
        for paragraph in body.split("\n"):
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph)
            if len(sentences) > 1:
                rng.shuffle(sentences)
            paragraphs.append(" ".join(sentences))
        name = re.sub(r"(no|vol)\d+", lambda m: f"{m.group(1)}{number}", source.name)
        (folder / name).write_text(head + "\n".join(paragraphs), encoding="utf-8")


def build(corpus: Path, index_dir: Path) -> tuple[float, float]:
    """Seconds and peak resident GiB of `rag index --rebuild` in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [RAG, "index", "--rebuild", "--index-dir", str(index_dir), str(corpus)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"rag index failed on {corpus}")
    return time.perf_counter() - started, usage.ru_maxrss / 2**20


def disk_size(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def warm_p50(retriever: Retriever, questions: list[str]) -> float:
    for question in questions[:10]:
        retriever.search(question)
    samples = []
    for question in questions * 2:
        started = time.perf_counter()
        retriever.search(question)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(size: int, work: Path, questions: list[str], reuse: bool = False) -> dict:
    corpus, index_dir = work / f"corpus-{size}", work / f"index-{size}"
    if reuse and current_build(index_dir) is not None:
        seconds = memory = float("nan")  # built by an earlier run: only the searches are measured
    else:
        synthetic_corpus(size, corpus)
        seconds, memory = build(corpus, index_dir)
    retriever = Retriever.open(settings=load_settings(overrides={"index_dir": index_dir}))
    retriever.warm_up()
    exact = retriever._stored.dense
    flat_p50 = warm_p50(retriever, questions)
    vectors = np.asarray(retriever._stored.vectors)
    started = time.perf_counter()
    hnsw = DenseIndex.build(vectors, "hnsw")
    hnsw_build = time.perf_counter() - started
    hnsw.save(work / f"hnsw-{size}.faiss")
    recalls, tied_recalls = [], {ef: [] for ef in EF_SEARCH}
    for question in questions:
        vector = retriever.embedder.embed_query(question)
        truth_scores, truth_rows = exact.search(vector, 10)
        truth = set(truth_rows.tolist())
        recalls.append(len(truth & set(hnsw.search(vector, 10)[1].tolist())) / max(1, len(truth)))
        for ef in EF_SEARCH:
            found = hnsw.search(vector, 10, ef_search=ef)[1]
            # a row as near as the exact 10th is as right as any: synthetic copies tie to the last digit
            exact_scores = vectors[found] @ vector
            tied_recalls[ef].append(float(np.sum(exact_scores >= truth_scores[-1] - TIE)) / max(1, len(truth)))
    retriever._stored.dense = hnsw
    hnsw_p50 = warm_p50(retriever, questions)
    return {
        "issues": size,
        "passages": len(retriever.passages),
        "build_s": seconds,
        "peak_gib": memory,
        "disk_mib": disk_size(index_dir),
        "hnsw_extra_mib": (work / f"hnsw-{size}.faiss").stat().st_size / 2**20 - (next(index_dir.glob("build-*/dense.faiss")).stat().st_size / 2**20),
        "hnsw_build_s": hnsw_build,
        "flat_p50_ms": flat_p50,
        "hnsw_p50_ms": hnsw_p50,
        "hnsw_recall@10": statistics.mean(recalls),
        "tied_recall": {ef: statistics.mean(values) for ef, values in tied_recalls.items()},
    }


def _figure(value: float, spec: str, unit: str) -> str:
    return "–" if math.isnan(value) else f"{value:{spec}} {unit}"  # NaN: not measured (a reused build)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50])
    parser.add_argument("--work", type=Path, help="keep the synthetic corpora and their indexes here (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="with --work: search the indexes an earlier run built there, without building (no build figures)")
    args = parser.parse_args()
    questions = [q.question for q in load_questions()]
    efs = " | ".join(f"recall@10, ties, efSearch {ef}" for ef in EF_SEARCH)
    print(f"| issues | passages | build | peak memory | index on disk | HNSW extra | HNSW build | warm p50 exact | warm p50 HNSW | HNSW recall@10 | {efs} |")
    print("|---" * (10 + len(EF_SEARCH)) + "|")
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    with contextlib.nullcontext(str(args.work)) if args.work else tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            r = measure(size, Path(tmp), questions, reuse=args.reuse and bool(args.work))
            print(
                f"| {r['issues']} | {r['passages']} | {_figure(r['build_s'], '.0f', 's')} | {_figure(r['peak_gib'], '.2f', 'GiB')} | {r['disk_mib']:.0f} MiB | "
                f"{r['hnsw_extra_mib']:.1f} MiB | {r['hnsw_build_s']:.2f} s | {r['flat_p50_ms']:.1f} ms | {r['hnsw_p50_ms']:.1f} ms | "
                f"{r['hnsw_recall@10']:.3f} | " + " | ".join(f"{r['tied_recall'][ef]:.3f}" for ef in EF_SEARCH) + " |",
                flush=True,
            )


if __name__ == "__main__":
    main()
