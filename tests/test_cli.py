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
    ],
)
def test_user_mistakes_give_a_message_not_a_traceback(args, message, session_index):
    if "--index-dir" not in args and args[0] == "search":
        args = [*args, "--index-dir", str(session_index)]
    process = subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, timeout=120)
    assert process.returncode != 0
    assert message in process.stderr + process.stdout
    assert "Traceback" not in process.stderr
