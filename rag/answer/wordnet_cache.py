"""WordNet's answers kept on disk, so that a cold start need not load WordNet.

Importing NLTK and reading WordNet's index take 4–8 s on two cores, most of a cold
`rag ask`, while a question asks WordNet of a dozen words. Each answer is kept in an
SQLite table in the user's cache folder, looked up by (kind, word) in well under a
millisecond: seeded once by the installer (`rag.answer.wordnet_cache.main`: every
one-word WordNet lemma, its irregular forms, the words of the corpus); a word the table
lacks is looked up in WordNet (loaded then) and added. The table names the code that
filled it (a fingerprint of `wordnet.py`), so an edit of that code empties it rather than
let it serve old answers.

    table = AnswerTable.open(path, fingerprint)
    table.get_or_compute("noun_kinds", "city", compute)   # from the table, else compute(word), kept
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FORMAT = "1"
_MISSING = object()


class AnswerTable:
    """(kind, word) → a JSON value, in SQLite; without a usable file, in memory for this process."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, fingerprint: str) -> AnswerTable:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
            table = cls(connection, path)
            table._prepare(fingerprint)
        except (OSError, sqlite3.Error):  # a cache: an unusable folder costs only speed
            table = cls(sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None), None)
            table._prepare(fingerprint)
        return table

    def _prepare(self, fingerprint: str) -> None:
        db = self._db
        db.execute("PRAGMA synchronous=OFF")  # a cache: a crash may lose the last answers, never corrupt older ones
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS answers (kind TEXT, word TEXT, value TEXT NOT NULL, PRIMARY KEY (kind, word)) WITHOUT ROWID")
        stamp = f"{FORMAT}:{fingerprint}"
        row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None or row[0] != stamp:
            with self._transaction():
                db.execute("DELETE FROM answers")
                db.execute("DELETE FROM meta WHERE key = 'seeded'")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    @property
    def seeded(self) -> bool:
        """Has `seed` filled this table (under its present stamp) to the end?"""
        with self._lock:
            return self._db.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone() is not None

    def mark_seeded(self) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('seeded', '1')")

    def get(self, kind: str, word: str, default: Any = _MISSING) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM answers WHERE kind = ? AND word = ?", (kind, word)).fetchone()
        return json.loads(row[0]) if row is not None else default

    def get_or_compute(self, kind: str, word: str, compute: Callable[[str], Any]) -> Any:
        known = self.get(kind, word)
        if known is not _MISSING:
            return known
        value = compute(word)
        self.put_many([(kind, word, value)])
        return value

    def put_many(self, answers: Iterable[tuple[str, str, Any]]) -> None:
        rows = [(kind, word, json.dumps(value, separators=(",", ":"))) for kind, word, value in answers]
        with self._lock:
            try:
                with self._transaction():
                    self._db.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", rows)
            except sqlite3.Error:
                pass  # busy or read-only: the answer is still right, only not kept


def seed(progress: bool = True) -> int:
    """Answer every seed word (`wordnet.seed_words`) ahead of any question, once per stamp (an
    installer run again finds the table seeded); returns the table's size."""
    from tqdm import tqdm

    from rag.answer import wordnet
    from rag.config import load_settings
    from rag.ingest import load_documents

    table = wordnet.answers()
    if table.seeded:
        return len(table)
    documents, _warnings = load_documents([load_settings().corpus_dir])  # read as an index build reads them
    texts = [document.text for document in documents]
    batch: list[tuple[str, str, Any]] = []
    for word in tqdm(wordnet.seed_words(texts), desc="WordNet answers", unit="word", disable=not progress, mininterval=1.0):
        batch.extend((kind, word, compute(word)) for kind, compute in wordnet.LOOKUPS.items())
        if len(batch) >= 50_000:
            table.put_many(batch)
            batch = []
    table.put_many(batch)
    table.mark_seeded()
    return len(table)


def main() -> None:
    """Seed the table and say where it is. The installer calls this through `python -c`: run as
    `python -m`, this module would be imported twice (the package imports it first) and Python warns."""
    from rag.answer.wordnet import answers

    size = seed()
    print(f"{size:,} WordNet answers kept in {answers().path}")


if __name__ == "__main__":
    main()
