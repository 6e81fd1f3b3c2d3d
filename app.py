"""The chat app: `python app.py` serves the assistant on http://127.0.0.1:7860.

A thin layer over the library: it builds the index if there is none, loads the models
once, and renders the same `Answer` the CLI prints: the short answer in bold with the
reader's confidence, then the quoted sentence; citation markers link to a sources panel
with the supporting sentence highlighted. A model is not safe to call from two threads, so
requests queue (one at a time) and each browser session keeps its own conversation. At
most MAX_GENERATORS models stay loaded: the default and the last one asked for.

    python app.py [--host 127.0.0.1] [--port 7860] [--index-dir DIR] [--model NAME_OR_PATH] [-v]
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import sys
from collections import OrderedDict
from datetime import date
from pathlib import Path

import gradio as gr

from rag import Answer, Assistant, LlamaCppGenerator, Passage, RagError, Retriever, Settings, build_index, load_settings
from rag.errors import IndexMissingError, IndexOutdatedError, QueryError
from rag.logs import quiet_libraries
from rag.models import bundled_gguf_paths

log = logging.getLogger("newsletter-qa")
EXAMPLES = [
    "Which dog breed do customs canine units use most?",
    "Where was the 21st Regional Training Center Heads meeting held?",
    "What is BACUDA?",
    "Who opened the WCO regional AEO workshop in December 2019?",
]
CSS = """
#sources mark { background: #fff3a3; }
#sources .source { border-left: 3px solid #888; padding: 4px 10px; margin: 8px 0; }
#sources .abstained { font-weight: bold; }
"""


MAX_GENERATORS = 2  # the default model and the last other one asked for; a third frees the least recently used


class ChatService:
    """Everything the page calls: one retriever and reader, and at most MAX_GENERATORS models loaded."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.retriever = Retriever.open(settings=settings)
        self._assistant = Assistant(self.retriever, None, settings=settings)
        self._generators: OrderedDict[str, LlamaCppGenerator] = OrderedDict()

    def generator(self, model: str) -> LlamaCppGenerator:
        """The model loaded once; loading one more than MAX_GENERATORS frees the least recently used
        one other than the default."""
        if model in self._generators:
            self._generators.move_to_end(model)
            return self._generators[model]
        generator = LlamaCppGenerator(model, context_window=self.settings.context_window, threads=self.settings.threads)
        generator.warm_up()
        self._generators[model] = generator
        while len(self._generators) > MAX_GENERATORS:
            oldest = next(name for name in self._generators if name != self.settings.model or len(self._generators) == 1)
            del self._generators[oldest]  # llama.cpp frees the model with its last reference
        return generator

    def warm_up(self) -> None:
        """Load now what the first question would wait for: the embedding model, spaCy and WordNet, and
        the default generator where it writes."""
        self._assistant.warm_up()
        if self.settings.model_sentence:
            self.generator(self.settings.model)

    @property
    def loaded_models(self) -> list[str]:
        return list(self._generators)

    def assistant(self, model: str | None = None) -> Assistant:
        """The assistant, with `model` to write a sentence (None: answers from the reader alone)."""
        if model is None:
            return self._assistant
        return self._assistant.with_generator(self.generator(model))

    @property
    def issues(self) -> list[str]:
        return [info.label for info in self.retriever.catalogue]


def _text(content) -> str:
    """A chat message's text, whether Gradio gives a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")


def _link_markers(text: str) -> str:
    return re.sub(r"\[(\d{1,2})\]", r"[[\1]](#source-\1)", text)


def _passage_html(anchor: str, label: str, passage: Passage, quote: str | None = None) -> str:
    body = html.escape(passage.text)
    if quote:
        body = body.replace(html.escape(quote), f"<mark>{html.escape(quote)}</mark>", 1)
    return (
        f'<div class="source" id="{anchor}"><b>{html.escape(label)}</b> {html.escape(passage.issue)} '
        f"({html.escape(passage.date_label)}) — <i>{html.escape(passage.title)}</i><p>{body}</p></div>"
    )


def sources_html(answer: Answer) -> str:
    parts = []
    if answer.filters.active:
        parts.append(f"<p>Filter: {html.escape(answer.filters.describe())}</p>")
    if answer.abstained:
        parts.append('<p class="abstained">The newsletters don\'t say. Closest passages:</p>')
        parts += [_passage_html(f"closest-{i}", f"({i})", p) for i, p in enumerate(answer.passages, 1)]
    else:
        parts += [_passage_html(f"source-{c.number}", f"[{c.number}]", c.passage, c.quote) for c in answer.citations]
    return "".join(parts) or "<p>No sources.</p>"


def _parse_day(value: str, field: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{field} must be a date as YYYY-MM-DD, not {value!r}.") from None


def answer_markdown(answer: Answer) -> str:
    """The chat message: the short answer in bold with the confidence, then the quote, markers linked."""
    if answer.abstained:
        return "**The newsletters don't say.** The closest passages are in the sources panel."
    short, _, rest = answer.text.partition("\n\n")
    head = f"**{_link_markers(short)}**" if rest else _link_markers(short)
    body = f"\n\n{_link_markers(rest)}" if rest else ""
    return f"{head}{body}\n\n<small>confidence {answer.confidence:.2f}</small>"


def respond(service: ChatService, message, history, issues, date_from, date_to, k, model, model_path, writes, passages_only):
    """Stream one turn: (chat history, sources panel, cleared textbox, status line) after each piece."""
    for chat, sources, box in _turn(service, message, history, issues, date_from, date_to, k, model, model_path, writes, passages_only):
        yield chat, sources, box, gr.skip()
    turns = sum(1 for m in chat if m["role"] == "user")
    yield gr.skip(), gr.skip(), gr.skip(), f"Turn {turns} · done"


def _turn(service: ChatService, message, history, issues, date_from, date_to, k, model, model_path, writes, passages_only):
    history = list(history or [])
    question = (message or "").strip()
    history.append({"role": "user", "content": question or "(empty message)"})
    try:
        if not question:
            raise QueryError("Please type a question about the newsletters.")
        search = {
            "k": int(k),
            "issue": list(issues) or None,
            "date_from": _parse_day(date_from, "From"),
            "date_to": _parse_day(date_to, "To"),
        }
        if passages_only:
            yield from _passages_only(service, question, history, search)
            return
        path = (model_path or "").strip()
        writes = bool(writes or path)  # a model file typed in is a model the user wants to write
        assistant = service.assistant((path or model) if writes else None)
        previous = [{"role": m["role"], "content": _text(m["content"])} for m in history[:-1]]
        history.append({"role": "assistant", "content": "…"})
        for item in assistant.stream(question, previous, model_sentence=writes, **search):
            if isinstance(item, Answer):
                shown = answer_markdown(item)
                if len(question) > len(item.question):
                    shown += f"\n\n_(Your message was cut to its first {len(item.question)} characters.)_"
                history[-1] = {"role": "assistant", "content": shown}
                yield history, sources_html(item), ""
            else:
                history[-1] = {"role": "assistant", "content": _text(history[-1]["content"]).rstrip("…") + item + "…"}
                yield history, gr.skip(), ""
    except RagError as exc:
        if history[-1]["role"] == "assistant":
            history.pop()
        history.append({"role": "assistant", "content": f"⚠️ {exc}"})
        yield history, gr.skip(), ""
    except Exception:  # never a stack trace in the page; the log has it
        log.exception("answering failed")
        history.append({"role": "assistant", "content": "⚠️ Something went wrong answering that; the app is still running."})
        yield history, gr.skip(), ""


def _passages_only(service: ChatService, question: str, history: list, search: dict):
    result = service.retriever.search(question, **search)
    parts = [f"<p>Filter: {html.escape(result.filters.describe())}</p>"] if result.filters.active else []
    parts += [_passage_html(f"passage-{h.rank}", f"({h.rank})", h.passage) for h in result.hits]
    history.append({"role": "assistant", "content": f"Found {len(result.hits)} passages (no answer generated); see the sources panel."})
    yield history, "".join(parts) or "<p>No passage found.</p>", ""


def build_ui(service: ChatService) -> gr.Blocks:
    models = sorted(bundled_gguf_paths())
    with gr.Blocks(title="Newsletter Q&A") as page:
        gr.Markdown("## Newsletter Q&A\nAsk about the customs newsletters; every answer cites the passages it stands on.")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(elem_id="chat", height=480, label="Conversation")
                question = gr.Textbox(elem_id="question", placeholder="Ask a question…", label="Question", lines=1)
                with gr.Row():
                    send = gr.Button("Ask", variant="primary", elem_id="send")
                    clear = gr.Button("Clear conversation", elem_id="clear")
                gr.Markdown("Examples (one click asks):")
                example_buttons = [gr.Button(text, size="sm", elem_classes=["example"]) for text in EXAMPLES]
            with gr.Column(scale=2):
                status = gr.Markdown("Ready", elem_id="status")
                sources = gr.HTML("<p>Sources appear here.</p>", elem_id="sources", label="Sources")
        with gr.Accordion("Search and model settings", open=False):
            with gr.Row():
                issues = gr.CheckboxGroup(service.issues, label="Only these issues", elem_id="issues")
                with gr.Column():
                    date_from = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="date-from")
                    date_to = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="date-to")
            with gr.Row():
                k = gr.Slider(1, 10, value=service.settings.answer_passages, step=1, label="Passages", elem_id="k")
                model = gr.Dropdown(models, value=service.settings.model if service.settings.model in models else models[0], label="Model", elem_id="model")
                model_path = gr.Textbox(label="…or a GGUF file path (it then writes)", elem_id="model-path")
                writes = gr.Checkbox(
                    value=service.settings.model_sentence, label="The model writes a sentence from the evidence", elem_id="writes"
                )
                passages_only = gr.Checkbox(label="Passages only (no answer)", elem_id="passages-only")
        inputs = [question, chat, issues, date_from, date_to, k, model, model_path, writes, passages_only]

        def turn(*args):
            yield from respond(service, *args)

        outputs = [chat, sources, question, status]
        for trigger in (question.submit, send.click):
            trigger(turn, inputs, outputs, api_name=False, concurrency_id="model")
        for button, text in zip(example_buttons, EXAMPLES):
            button.click(lambda text=text: text, None, question, api_name=False).then(
                turn, inputs, outputs, api_name=False, concurrency_id="model"
            )

        def ask(question: str) -> dict:
            """Answer one question: the short answer, the text, the confidence, whether it abstained, and the cited sources."""
            writes = service.settings.model_sentence
            answer = service.assistant(service.settings.model if writes else None).ask(question)
            return {
                "short_answer": answer.short_answer,
                "answer": answer.text,
                "confidence": round(answer.confidence, 4),
                "abstained": answer.abstained,
                "sources": [
                    {"number": c.number, "issue": c.passage.issue, "title": c.passage.title, "quote": c.quote}
                    for c in answer.citations
                ],
            }

        gr.api(ask, api_name="ask", concurrency_id="model")
        clear.click(lambda: ([], "<p>Sources appear here.</p>", "Conversation cleared"), None, [chat, sources, status], api_name=False)
    page.queue(default_concurrency_limit=1)  # one generation at a time; others wait their turn
    return page


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--model", help="bundled model name or .gguf path")
    parser.add_argument("--config", type=Path, help="TOML settings file")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the logs of the libraries underneath")
    args = parser.parse_args(argv)
    quiet_libraries(verbose=args.verbose)
    try:
        settings = load_settings(config_file=args.config, overrides={"index_dir": args.index_dir, "model": args.model})
        try:
            service = ChatService(settings)
        except (IndexMissingError, IndexOutdatedError) as missing:
            why = "No index" if isinstance(missing, IndexMissingError) else "An index written by an older version"
            print(f"{why} at {settings.index_dir}: building it from {settings.corpus_dir} …", flush=True)
            print(build_index(settings).summary(), flush=True)
            service = ChatService(settings)
        print("Loading the models …", flush=True)
        service.warm_up()
    except RagError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"Serving on http://{args.host}:{args.port}", flush=True)
    build_ui(service).launch(server_name=args.host, server_port=args.port, css=CSS, show_error=False)


if __name__ == "__main__":
    main()
