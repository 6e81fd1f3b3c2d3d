"""The `rag` command: index newsletters, search them, evaluate retrieval.

A thin layer over the library: every command calls the same public API a user's own code
would, and turns the library's errors into one-line messages (exit code 2), never a traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from rag.config import Settings, load_settings
from rag.errors import QueryError, RagError
from rag.logs import quiet_libraries

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help="Question answering over newsletter issues, offline.")


@app.callback()
def _options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show the logs and loading bars of the libraries underneath.")] = False,
) -> None:
    """Question answering over newsletter issues, offline."""
    quiet_libraries(verbose=verbose)
ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="TOML settings file.", exists=True, dir_okay=False)]
IndexOption = Annotated[Optional[Path], typer.Option("--index-dir", help="Index folder (default: embeddings/index).")]


def _settings(config: Path | None, **overrides) -> Settings:
    return load_settings(config_file=config, overrides=overrides)


@app.command()
def index(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the bundled corpus).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Ignore the existing index and embed everything again.")] = False,
    embedding_model: Annotated[Optional[str], typer.Option(help="Local sentence-transformers folder.")] = None,
    ann: Annotated[Optional[str], typer.Option(help="Dense index kind: auto, flat or hnsw.")] = None,
    index_dir: IndexOption = None,
    config: ConfigOption = None,
) -> None:
    """Build the index, or update it: only new or changed passages are embedded."""
    from rag.index.build import build_index

    settings = _settings(config, index_dir=index_dir, embedding_model=embedding_model, ann=ann)
    report = build_index(settings, list(paths) if paths else None, rebuild=rebuild, progress=True)
    for warning in report.warnings:
        typer.secho(f"warning: {warning}", fg="yellow", err=True)
    typer.echo(report.summary())


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="A question in plain words.")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many passages.")] = 5,
    mode: Annotated[Optional[str], typer.Option(help="hybrid (default), dense or bm25.")] = None,
    issue: Annotated[Optional[list[str]], typer.Option(help='Only this issue, e.g. "79" or "CTI News Vol. 17" (repeatable).')] = None,
    date_from: Annotated[Optional[str], typer.Option(help="Only issues covering this date or later (YYYY-MM-DD).")] = None,
    date_to: Annotated[Optional[str], typer.Option(help="Only issues covering this date or earlier (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    index_dir: IndexOption = None,
    config: ConfigOption = None,
) -> None:
    """Show the passages that best answer a question, with their issue and article."""
    from rag.retrieve.retriever import Retriever

    settings = _settings(config, index_dir=index_dir, mode=mode)
    retriever = Retriever.open(settings=settings)
    result = retriever.search(
        question, k=k, issue=issue or None, date_from=_parse_date(date_from, "--date-from"), date_to=_parse_date(date_to, "--date-to")
    )
    if as_json:
        typer.echo(json.dumps(_result_json(result), ensure_ascii=False, indent=2))
        return
    typer.echo(f"filter: {result.filters.describe()}   mode: {result.mode}   {result.timings_ms.get('retrieve', 0):.0f} ms")
    for hit in result.hits:
        p = hit.passage
        typer.secho(f"\n[{hit.rank}] {p.issue} ({p.date_label}) — {p.title}", bold=True)
        typer.echo(f"    score {hit.score:.4f}  id {p.id}  chars {p.start}-{p.end} of {p.doc_id}")
        typer.echo("    " + p.text.replace("\n", " "))
    if not result.hits:
        typer.echo("No passage found.")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in plain words.")],
    model: Annotated[Optional[str], typer.Option(help="A bundled model (smollm2-135m, gemma3-270m) or a .gguf path.")] = None,
    k: Annotated[Optional[int], typer.Option("--k", min=1, max=50, help="Passages the reader reads.")] = None,
    model_sentence: Annotated[
        Optional[bool], typer.Option("--model-sentence/--no-model-sentence", help="Have the model write one sentence from the evidence.")
    ] = None,
    issue: Annotated[Optional[list[str]], typer.Option(help='Only this issue, e.g. "79" (repeatable).')] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    index_dir: IndexOption = None,
    config: ConfigOption = None,
) -> None:
    """Answer a question from the newsletters, with numbered, checked sources."""
    from rag.answer.assistant import Assistant
    from rag.generate.generator import LlamaCppGenerator
    from rag.retrieve.retriever import Retriever

    settings = _settings(config, index_dir=index_dir, model=model, answer_passages=k, model_sentence=model_sentence)
    assistant = Assistant(
        Retriever.open(settings=settings),
        LlamaCppGenerator(settings.model, context_window=settings.context_window, threads=settings.threads),
        settings=settings,
    )
    answer = assistant.ask(question, issue=issue or None)
    if as_json:
        typer.echo(json.dumps(_answer_json(answer), ensure_ascii=False, indent=2))
        return
    if answer.abstained:
        typer.echo(answer.text)
    else:
        short, _, rest = answer.text.partition("\n\n")
        typer.secho(short, bold=True)
        if rest:
            typer.echo(rest)
    typer.echo(f"(confidence {answer.confidence:.2f}" + (f"; filter: {answer.filters.describe()})" if answer.filters.active else ")"))
    for citation in answer.citations:
        p = citation.passage
        typer.secho(f"\n[{citation.number}] {p.issue} ({p.date_label}) — {p.title}", bold=True)
        typer.echo(f"    “{' '.join(citation.quote.split())}”")
    if answer.abstained:
        for number, p in enumerate(answer.passages, 1):
            typer.secho(f"\n({number}) {p.issue} ({p.date_label}) — {p.title}", bold=True)
            typer.echo("    " + p.text[:300].replace("\n", " ") + ("…" if len(p.text) > 300 else ""))


def _answer_json(answer) -> dict:
    return {
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "short_answer": answer.short_answer,
        "answer": answer.text,
        "confidence": round(answer.confidence, 4),
        "abstained": answer.abstained,
        "filters": answer.filters.describe(),
        "citations": [
            {"number": c.number, "passage_id": c.passage.id, "quote": c.quote, "quote_start": c.quote_start,
             "quote_end": c.quote_end, "issue": c.passage.issue, "date": c.passage.date_label, "title": c.passage.title}
            for c in answer.citations
        ],
        "passages": [p.to_dict() for p in answer.passages],
        "timings_ms": answer.timings_ms,
    }


def _parse_date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{flag} expects a date as YYYY-MM-DD, got {value!r}.") from None


def _result_json(result) -> dict:
    return {
        "query": result.query,
        "mode": result.mode,
        "filters": {
            "issues": sorted(result.filters.issues),
            "date_from": result.filters.date_from.isoformat() if result.filters.date_from else None,
            "date_to": result.filters.date_to.isoformat() if result.filters.date_to else None,
            "description": result.filters.describe(),
        },
        "timings_ms": result.timings_ms,
        "hits": [
            {"rank": h.rank, "score": h.score, "dense_score": h.dense_score, "bm25_score": h.bm25_score, **h.passage.to_dict()}
            for h in result.hits
        ],
    }


_plugins_loaded = False


def build_app() -> typer.Typer:
    """The full command: built-ins plus sub-commands other packages register (the harness adds `eval`)."""
    global _plugins_loaded
    if not _plugins_loaded:
        _register_plugins()
        _plugins_loaded = True
    return app


def _register_plugins() -> None:
    from importlib.metadata import entry_points

    for entry in entry_points(group="rag.commands"):
        try:
            app.add_typer(entry.load(), name=entry.name)
        except ImportError as exc:
            logging.getLogger(__name__).warning("command %s unavailable: %s", entry.name, exc)


def main() -> None:
    """Entry point: run the app, turning the library's errors into messages."""
    quiet_libraries(verbose=any(flag in sys.argv[1:2] for flag in ("--verbose", "-v")))
    try:
        build_app()(standalone_mode=False)
    except RagError as exc:
        typer.secho(f"Error: {exc}", fg="red", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.secho("Interrupted; the previous index (if any) is untouched.", fg="yellow", err=True)
        sys.exit(130)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if isinstance(exc, _usage_errors()) and hasattr(exc, "show"):  # an unknown option, a missing argument
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        raise


def _usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors: newer Typer releases carry their own copy of Click, whose errors derive
    from `typer.TyperException`, not from the `click` package's classes."""
    import click

    return (click.ClickException, *((typer.TyperException,) if hasattr(typer, "TyperException") else ()))


if __name__ == "__main__":
    main()
