"""Every error the library raises on purpose, in one family.

The CLI and the app turn these into one-line messages; a user never sees a traceback
for their own mistake. Each message says what was expected, what came, and the fix.

    RagError
    ├── ConfigError          a setting is missing, misspelt or out of range
    ├── QueryError           an empty or unusable question
    ├── IngestError          no readable newsletter among the given sources
    ├── IndexError_          the index folder is missing, corrupt or incompatible
    │   ├── IndexMissingError
    │   ├── IndexOutdatedError   written by an older version of this library
    │   └── IndexMismatchError   built with another model or other chunker settings
    └── ModelError           a model file or folder is missing or unreadable
"""

from __future__ import annotations

REBUILD_HINT = "Run `rag index` to build it (or `rag index --rebuild` to start afresh)."


class RagError(Exception):
    """Base of every error this library raises deliberately."""


class ConfigError(RagError):
    """A configuration value is missing, misspelt or out of range."""


class QueryError(RagError):
    """The question cannot be searched (empty, or only whitespace)."""


class IngestError(RagError):
    """None of the given sources could be read as a newsletter."""


class IndexError_(RagError):  # trailing underscore: do not shadow the builtin IndexError
    """The index folder cannot be used."""


class IndexMissingError(IndexError_):
    """There is no index at the given path."""


class IndexOutdatedError(IndexError_):
    """The index was written in an older format; `rag index` rebuilds it."""


class IndexMismatchError(IndexError_):
    """The index was built with another embedding model or other chunker settings."""


class ModelError(RagError):
    """A model path does not exist or is not a readable model."""
