"""report.md and report.html: metric tables and plots a reader can judge a run by."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from eval.metrics import RECALL_KS  # noqa: E402

HEADLINE = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10", "words@300", "words@600")


def _recall_plot(summaries: dict[str, dict], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.4))
    for mode, summary in summaries.items():
        ax.plot(RECALL_KS, [summary["retrieval"][f"recall@{k}"] for k in RECALL_KS], marker="o", label=mode)
    ax.set_xlabel("k (passages)")
    ax.set_ylabel("Recall@k")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(RECALL_KS)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _latency_plot(latencies: dict[str, list[float]], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.4))
    for mode, values in latencies.items():
        ax.hist(values, bins=30, alpha=0.6, label=mode)
    ax.set_xlabel("retrieval time per question (ms)")
    ax.set_ylabel("questions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _type_plot(summaries: dict[str, dict], path: Path) -> None:
    """Recall@5 per question type, and answer accuracy per type where answers were generated."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    kinds = sorted({kind for s in summaries.values() for kind in s["by_type"]})
    series = [(f"{mode} Recall@5", [s["by_type"].get(k, {}).get("recall@5", 0) for k in kinds]) for mode, s in summaries.items()]
    series += [
        (f"{mode} answer contains gold", [s["answers"]["contains_gold_by_type"].get(k) or 0 for k in kinds])
        for mode, s in summaries.items()
        if "answers" in s
    ]
    width = 0.8 / max(1, len(series))
    for offset, (label, values) in enumerate(series):
        ax.bar([i + offset * width for i in range(len(kinds))], values, width, label=label)
    ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(kinds))], kinds, rotation=30, ha="right")
    ax.set_ylabel("share of questions")
    ax.set_ylim(0, 1.02)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _table(summaries: dict[str, dict]) -> list[list[str]]:
    rows = [["mode", *HEADLINE, "p50 ms", "p95 ms"]]
    for mode, s in summaries.items():
        r = s["retrieval"]
        rows.append([mode, *(f"{r[m]:.3f}" for m in HEADLINE), f"{s['latency_ms']['retrieve_p50']}", f"{s['latency_ms']['retrieve_p95']}"])
    return rows


def write_reports(out_dir: Path, summaries: dict[str, dict], latencies: dict[str, list[float]], misses: list[dict]) -> None:
    """Write report.md (with PNGs beside it) and a self-contained report.html."""
    plots = {"recall": out_dir / "recall_at_k.png", "latency": out_dir / "latency.png", "types": out_dir / "recall_by_type.png"}
    _recall_plot(summaries, plots["recall"])
    _latency_plot(latencies, plots["latency"])
    _type_plot(summaries, plots["types"])
    table = _table(summaries)

    md = ["# Retrieval evaluation", ""]
    md += ["| " + " | ".join(row) + " |" for row in table[:1]]
    md += ["|" + "---|" * len(table[0])]
    md += ["| " + " | ".join(row) + " |" for row in table[1:]]
    answered = {mode: s["answers"] for mode, s in summaries.items() if "answers" in s}
    if answered:
        names = [k for k in next(iter(answered.values())) if k != "contains_gold_by_type"]
        md += ["", "## Answers", "", "| mode | " + " | ".join(names) + " |", "|" + "---|" * (len(names) + 1)]
        md += ["| " + mode + " | " + " | ".join(str(a[n]) for n in names) + " |" for mode, a in answered.items()]
    md += ["", f"![Recall@k]({plots['recall'].name})", f"![By question type]({plots['types'].name})", f"![Latency]({plots['latency'].name})", ""]
    md += ["## Worst misses", ""]
    for miss in misses:
        md.append(f"- **{miss['id']}** ({miss['mode']}) {miss['question']}")
        md.append(f"  - evidence: {miss['evidence'][:200]}")
        for got in miss["retrieved"][:3]:
            md.append(f"  - got: [{got['doc']} — {got['title'][:60]}] {got['text'][:160]}")
    (out_dir / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")

    def image(path: Path) -> str:
        return f'<img src="data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}" alt="{path.stem}">'

    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table)
    items = "".join(
        f"<li><b>{html.escape(m['id'])}</b> ({m['mode']}) {html.escape(m['question'])}<br><i>evidence:</i> {html.escape(m['evidence'][:200])}"
        + "".join(f"<br><i>got:</i> [{html.escape(g['doc'])} — {html.escape(g['title'][:60])}] {html.escape(g['text'][:160])}" for g in m["retrieved"][:3])
        + "</li>"
        for m in misses
    )
    page = (
        "<!doctype html><meta charset='utf-8'><title>Retrieval evaluation</title>"
        "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}td{padding:2px 8px;border-bottom:1px solid #ddd}</style>"
        f"<h1>Retrieval evaluation</h1><table>{rows}</table>"
        f"{image(plots['recall'])}{image(plots['types'])}{image(plots['latency'])}"
        f"<h2>Worst misses</h2><ul>{items}</ul>"
    )
    (out_dir / "report.html").write_text(page, encoding="utf-8")
