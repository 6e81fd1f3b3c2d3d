"""`rag eval` and `rag eval compare`: registered into the rag command as a plugin.

The library never imports this; pyproject's "rag.commands" entry point adds it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from rag.errors import ConfigError

eval_app = typer.Typer(help="Evaluate retrieval on a question set.", invoke_without_command=True, no_args_is_help=False)


@eval_app.callback()
def run(
    ctx: typer.Context,
    questions: Annotated[Optional[Path], typer.Option(help="Question file (JSON Lines); default eval/questions.jsonl.")] = None,
    out: Annotated[Path, typer.Option(help="Output folder; rerunning into it resumes.")] = Path("eval/runs/latest"),
    mode: Annotated[str, typer.Option(help="hybrid, dense, bm25 or all.")] = "hybrid",
    no_generate: Annotated[bool, typer.Option("--no-generate", help="Retrieval only: answers are null.")] = False,
    model: Annotated[Optional[str], typer.Option(help="GGUF model for answers: smollm2-135m, gemma3-270m or a path.")] = None,
    model_sentence: Annotated[
        Optional[bool], typer.Option("--model-sentence/--no-model-sentence", help="The model writes a sentence from the evidence.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Passages retrieved per question.")] = 10,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when a metric falls below eval/baseline.json.")] = False,
    index_dir: Annotated[Optional[Path], typer.Option("--index-dir", help="Index folder.")] = None,
) -> None:
    """Run the question set and write results.jsonl, summary.json, report.md and report.html."""
    if ctx.invoked_subcommand is not None:
        return
    from eval.harness import MODES, check_against_baseline, evaluate
    from eval.questions import DEFAULT_QUESTIONS, load_questions
    from rag.config import load_settings
    from rag.retrieve.retriever import Retriever

    if mode not in (*MODES, "all"):
        raise ConfigError(f"Unknown mode {mode!r}; use hybrid, dense, bm25 or all.")
    items = load_questions(questions or DEFAULT_QUESTIONS)
    settings = load_settings(overrides={"index_dir": index_dir, "model": model, "model_sentence": model_sentence})
    retriever = Retriever.open(settings=settings)
    assistant = None
    if not no_generate:
        from rag.answer.assistant import Assistant
        from rag.generate.generator import LlamaCppGenerator

        generator = LlamaCppGenerator(settings.model, context_window=settings.context_window, threads=settings.threads)
        assistant = Assistant(retriever, generator, settings=settings)
    summaries = evaluate(items, retriever, out, modes=list(MODES) if mode == "all" else [mode], k=k, assistant=assistant)
    for name, summary in summaries.items():
        r = summary["retrieval"]
        typer.echo(
            f"{name:7s} R@1 {r['recall@1']:.3f}  R@3 {r['recall@3']:.3f}  R@5 {r['recall@5']:.3f}  R@10 {r['recall@10']:.3f}  "
            f"MRR@10 {r['mrr@10']:.3f}  nDCG@10 {r['ndcg@10']:.3f}  words@300 {r['words@300']:.3f}  words@600 {r['words@600']:.3f}  "
            f"p50 {summary['latency_ms']['retrieve_p50']} ms"
        )
        if "answers" in summary:
            a = summary["answers"]
            typer.echo(
                f"{name:7s} answers: contains gold {a['answer_contains_gold']}  F1 {a['token_f1']}  citation precision "
                f"{a['citation_precision']}  recall {a['citation_recall']}  abstained on unanswerable "
                f"{a['abstention_on_unanswerable']}  false abstention {a['false_abstention']}  first token p50 "
                f"{a['first_token_ms_p50']} ms  answer p50 {a['total_ms_p50']} ms; model asked for {a['model_asked']} "
                f"(reply kept {a['model_reply_kept']}): first token p50 {a['model_first_token_ms_p50']} ms, "
                f"answer p50 {a['model_total_ms_p50']} ms"
            )
    typer.echo(f"report: {out / 'report.md'}")
    if check:
        failures = check_against_baseline(summaries)
        for failure in failures:
            typer.secho(f"REGRESSION {failure}", fg="red", err=True)
        if failures:
            sys.exit(1)
        typer.echo("check: no metric below baseline")


READER_FIGURES = ("answer_contains_gold", "short_answer_f1", "citation_precision", "abstention_on_unanswerable", "false_abstention")


def _reader_setup(index_dir: Path | None, k: int | None):
    from rag.answer.reader import Reader
    from rag.answer.scorer import ReaderModel
    from rag.config import load_settings
    from rag.retrieve.retriever import Retriever

    settings = load_settings(overrides={"index_dir": index_dir})
    retriever = Retriever.open(settings=settings)
    reader = Reader.over(retriever, ReaderModel.untrained(), spacy_model=settings.spacy_model)
    return retriever, reader, k or settings.answer_passages


@eval_app.command("train")
def train(
    questions: Annotated[Optional[list[Path]], typer.Option(help="Question files (default: every set in eval/).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Where to write the model (default: the one the package ships).")] = None,
    index_dir: Annotated[Optional[Path], typer.Option("--index-dir", help="Index folder.")] = None,
) -> None:
    """Refit the reader's models and threshold on the question sets and write the model file."""
    from eval.reader_training import collect, fit, load_training_questions

    retriever, reader, k = _reader_setup(index_dir, None)
    named = load_training_questions(questions)
    examples = collect([q for _name, q in named], retriever, reader, k=k)
    model = fit(examples, reader, sets=[name for name, _q in named])
    path = model.save(out)
    typer.echo(f"reader model fitted on {len(examples)} questions (threshold {model.threshold}) -> {path}")


@eval_app.command("cv")
def cross_validation(
    questions: Annotated[Optional[list[Path]], typer.Option(help="Question files (default: every set in eval/).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder: cv.json with pooled, per-set and per-style figures, rows.jsonl.")] = Path("eval/runs/cv"),
    ablate: Annotated[bool, typer.Option("--ablate", help="Also score the reader with each feature group left out.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when a pooled figure falls below eval/baseline.json.")] = False,
    index_dir: Annotated[Optional[Path], typer.Option("--index-dir", help="Index folder.")] = None,
) -> None:
    """Leave-one-issue-out cross-validation of the reader: fit on four issues' questions, score the fifth."""
    import json

    from eval.harness import check_reader_against_baseline
    from eval.reader_training import AdapterCache, ablation, by_group, collect, cross_validate, load_training_questions, summarise_outcomes

    retriever, reader, k = _reader_setup(index_dir, None)
    named = load_training_questions(questions)
    examples = collect([q for _name, q in named], retriever, reader, k=k)
    adapter_cache: AdapterCache = {}  # the adapters of each training set, fitted once for the CV and its ablation
    rows = cross_validate(examples, reader, adapter_cache=adapter_cache)
    set_of = {q.id: name for name, q in named}
    for row in rows:
        row["set"] = set_of[row["id"]]
    report = {"pooled": summarise_outcomes(rows), "by_set": by_group(rows, "set"), "by_style": by_group(rows, "style")}
    if ablate:
        report["ablation"] = ablation(examples, reader, everything=report["pooled"], adapter_cache=adapter_cache)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cv.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    with (out / "rows.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    typer.echo(f"{'':22s} " + " ".join(f"{name[:14]:>14s}" for name in READER_FIGURES) + "      n")
    lines = [("pooled", report["pooled"])] + [(f"set {k}", v) for k, v in report["by_set"].items()]
    lines += [(f"style {k}", v) for k, v in report["by_style"].items()] + [(k, v) for k, v in report.get("ablation", {}).items()]
    for label, figures in lines:
        cells = " ".join(f"{figures[name]:14.3f}" if figures[name] is not None else f"{'-':>14s}" for name in READER_FIGURES)
        typer.echo(f"{label[:22]:22s} {cells} {figures['questions']:6d}")
    typer.echo(f"cross-validation: {out / 'cv.json'}")
    if check:
        failures = check_reader_against_baseline(report["pooled"])
        for failure in failures:
            typer.secho(f"REGRESSION {failure}", fg="red", err=True)
        if failures:
            sys.exit(1)
        typer.echo("check: no reader figure below baseline")


@eval_app.command("retrieval-cv")
def retrieval_cross_validation(
    questions: Annotated[Optional[list[Path]], typer.Option(help="Question files (default: every set in eval/).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder for retrieval-cv.json.")] = Path("eval/runs/retrieval-cv"),
    index_dir: Annotated[Optional[Path], typer.Option("--index-dir", help="Index folder.")] = None,
) -> None:
    """Leave-one-issue-out choice of the fusion weight, feedback and title weights: pooled R@5, MRR@10."""
    import json

    from eval.reader_training import load_training_questions
    from eval.retrieval_cv import collect, cross_validate
    from rag.config import load_settings
    from rag.retrieve.retriever import Retriever

    retriever = Retriever.open(settings=load_settings(overrides={"index_dir": index_dir}))
    rows = collect(load_training_questions(questions), retriever)
    report = cross_validate(rows, retriever)
    out.mkdir(parents=True, exist_ok=True)
    (out / "retrieval-cv.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    sets = sorted(next(iter(report.values()))["by_set"])
    typer.echo(f"{'':34s} {'R@5':>6s} {'MRR@10':>7s} {'R@10':>6s}   " + "   ".join(f"{name[:9]:>9s} R@5/MRR" for name in sets))
    for label, figures in report.items():
        per_set = "   ".join(f"{figures['by_set'][n]['recall@5']:.3f}/{figures['by_set'][n]['mrr@10']:.3f}    " for n in sets)
        typer.echo(f"{label[:34]:34s} {figures['recall@5']:6.3f} {figures['mrr@10']:7.3f} {figures['recall@10']:6.3f}   {per_set}")
        if "chosen" in figures:
            typer.echo(f"{'':34s} chosen per fold: {'; '.join(sorted(set(figures['chosen'].values())))}; on all: {figures['on all questions']}")
    typer.echo(f"report: {out / 'retrieval-cv.json'}")


@eval_app.command("compare")
def compare_runs(
    dir_a: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
    dir_b: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
) -> None:
    """Print two runs' metrics side by side with deltas (B minus A)."""
    from eval.harness import compare

    typer.echo(f"{'mode':8s} {'metric':14s} {'A':>9s} {'B':>9s} {'delta':>9s}")
    for mode, metric, a, b in compare(dir_a, dir_b):
        delta = f"{b - a:+.4f}" if a is not None and b is not None else "n/a"
        typer.echo(f"{mode:8s} {metric:14s} {a if a is not None else 'n/a':>9} {b if b is not None else 'n/a':>9} {delta:>9s}")
