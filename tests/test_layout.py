"""The folder tree is the pipeline: imports run one way, and a question's trip through the answer side is linear."""

import ast
import collections
import sys
from pathlib import Path

import pytest

RAG = Path(__file__).resolve().parent.parent / "rag"
STAGES = {"ingest": 0, "index": 1, "retrieve": 2, "answer": 3, "generate": 3}  # generate stands beside answer
SHARED = {"config", "errors", "models", "nlp", "terms", "words", "logs"}  # serve every stage, import none


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rag."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("rag.")}
    return found


def test_no_stage_imports_a_later_one_and_shared_modules_import_no_stage():
    wrong = []
    for path in RAG.rglob("*.py"):
        parts = path.relative_to(RAG).parts
        own = parts[0] if len(parts) > 1 else path.stem
        for target in _imports(path) - {own}:
            if own in SHARED and target in STAGES:
                wrong.append(f"{path.relative_to(RAG)} imports rag.{target}")
            elif own in STAGES and target in STAGES and (STAGES[target] > STAGES[own] or {own, target} == {"answer", "generate"} and own == "generate"):
                wrong.append(f"{path.relative_to(RAG)} imports rag.{target}")
    assert wrong == []


def test_every_stage_folder_says_what_it_holds_and_may_import():
    for stage in STAGES:
        readme = RAG / stage / "README.md"
        assert readme.is_file() and "import" in readme.read_text(encoding="utf-8"), stage


@pytest.mark.slow
def test_a_question_is_parsed_once_and_its_trip_takes_each_step_at_most_twice(retriever, monkeypatch):
    from rag.answer import question as question_module
    from rag.answer.assistant import Assistant

    assistant = Assistant(retriever)
    assistant.ask("Where was the 20th RTC Heads meeting held?")  # models loaded before counting
    asked = "Where was the 21st RTC Heads meeting held?"
    parsed = []
    real = question_module.pipeline

    def counting(name):
        nlp = real(name)
        return lambda text: (parsed.append(text), nlp(text))[1]

    monkeypatch.setattr(question_module, "pipeline", counting)
    calls = collections.Counter()

    def profile(frame, event, _arg):
        if event != "call" or frame.f_back is None or frame.f_code.co_name.startswith("__"):
            return
        callee, caller = frame.f_code.co_filename, frame.f_back.f_code.co_filename
        if caller.endswith(("answer/assistant.py", "answer/reader.py")) and callee.startswith(str(RAG)) and callee != caller:
            if not isinstance(getattr(type(frame.f_locals.get("self")), frame.f_code.co_name, None), property):
                calls[(Path(caller).name, Path(callee).relative_to(RAG).as_posix(), frame.f_code.co_name)] += 1

    sys.setprofile(profile)
    try:
        answer = assistant.ask(asked)
    finally:
        sys.setprofile(None)
    assert parsed.count(asked) == 1 and not answer.abstained
    assert calls and max(calls.values()) <= 2, calls
