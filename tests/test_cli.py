"""The `rag` command, driven through its runner and as a real process."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from rag.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_search_prints_json_with_provenance_and_filter(session_index):
    result = runner.invoke(app, ["search", "What does No. 79 say about BACUDA?", "--k", "3", "--json", "--index-dir", str(session_index)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["hits"]) == 3 and data["filters"]["issues"] == ["ROCB A/P E-Newsletter No. 79"]
    assert {"id", "issue", "title", "start", "end", "text", "score"} <= set(data["hits"][0])


def test_search_prints_numbered_sources(session_index):
    result = runner.invoke(app, ["search", "Who is the Head of the ROCB A/P?", "--index-dir", str(session_index)])
    assert result.exit_code == 0 and "[1] ROCB A/P E-Newsletter" in result.stdout and "filter:" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "   "], "empty"),
        (["search", "x", "--index-dir", "/nonexistent/index"], "rag index"),
        (["search", "x", "--mode", "fuzzy"], "mode"),
        (["search", "x", "--date-from", "yesterday"], "YYYY-MM-DD"),
        (["index", "/nonexistent/folder"], "No readable newsletter"),
        (["ask", "x", "--no-such-flag"], "No such option"),
    ],
)
def test_user_mistakes_give_a_message_not_a_traceback(args, message, session_index):
    if "--index-dir" not in args and args[0] == "search":
        args = [*args, "--index-dir", str(session_index)]
    process = subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, timeout=120)
    assert process.returncode != 0
    assert message in process.stderr + process.stdout
    assert "Traceback" not in process.stderr


THIRD_PARTY_MARKS = ("Loading weights", "DEBUG", "INFO:", "WARNING:", "[transformers]", "Token indices", "it/s]", "llama", "Batches")


def _no_third_party_line(output: str) -> None:
    for line in output.splitlines():
        assert not any(mark in line for mark in THIRD_PARTY_MARKS), line


def test_ask_prints_the_short_answer_first_then_the_quote_and_sources(session_index):
    result = runner.invoke(app, ["ask", "Where was the 21st RTC Heads meeting held?", "--index-dir", str(session_index)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Kashiwa" in lines[0] and lines[0].endswith("]")  # the short answer with its citation
    assert lines[1].startswith("“") and "(confidence" in result.stdout and "[1] ROCB A/P E-Newsletter No. 83" in result.stdout
    _no_third_party_line(result.output)


def test_ask_json_carries_the_short_answer_and_the_confidence(session_index):
    result = runner.invoke(app, ["ask", "Where was the 21st RTC Heads meeting held?", "--json", "--index-dir", str(session_index)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "Kashiwa" in data["short_answer"] and 0 < data["confidence"] <= 1 and data["citations"]
    assert data["answer"].startswith(data["short_answer"])


@pytest.mark.parametrize("command", [["search", "rocb head 2023"], ["ask", "rocb head 2023"]])
def test_search_and_ask_print_no_line_from_the_libraries_underneath(command, session_index):
    result = runner.invoke(app, [*command, "--index-dir", str(session_index)])
    assert result.exit_code == 0, result.output
    _no_third_party_line(result.output)
    process = subprocess.run([sys.executable, "-m", "rag.cli", *command, "--index-dir", str(session_index)], capture_output=True, text=True, timeout=180)
    assert process.returncode == 0 and process.stderr == "", process.stderr
    _no_third_party_line(process.stdout)
    verbose = subprocess.run(
        [sys.executable, "-m", "rag.cli", "--verbose", *command, "--index-dir", str(session_index)], capture_output=True, text=True, timeout=180
    )
    first_source = lambda out: next(line for line in out.splitlines() if line.startswith("[1]"))  # noqa: E731
    assert verbose.returncode == 0 and first_source(verbose.stdout) == first_source(process.stdout)  # same result
    assert "INFO" in verbose.stderr  # and the libraries' own logs, asked for
