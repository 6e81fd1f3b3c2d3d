"""newsletter-qa: offline question answering over newsletter issues.

    from rag import Retriever, build_index, load_settings

    settings = load_settings()
    build_index(settings)                      # once; later runs embed only what changed
    result = Retriever.open(settings=settings).search("Who opened the AEO workshop?", k=5)
    assistant = Assistant(Retriever.open(settings=settings), LlamaCppGenerator(settings.model))
    answer = assistant.ask("Who opened the AEO workshop?")   # text, citations, passages, abstained

Importing the package loads no model: models load on first use.
"""

from rag.assistant import Answer, Assistant
from rag.citations import Citation
from rag.config import Settings, load_settings
from rag.embedder import Embedder, SentenceTransformerEmbedder
from rag.generator import Generator, LlamaCppGenerator
from rag.errors import (
    ConfigError,
    IndexError_,
    IndexMismatchError,
    IndexMissingError,
    IndexOutdatedError,
    IngestError,
    ModelError,
    QueryError,
    RagError,
)
from rag.indexing import IndexReport, build_index
from rag.passages import Passage
from rag.query_filters import Filters
from rag.retriever import Hit, Retriever, SearchResult

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "Generator",
    "LlamaCppGenerator",
    "ConfigError",
    "Embedder",
    "Filters",
    "Hit",
    "IndexError_",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexOutdatedError",
    "IndexReport",
    "IngestError",
    "ModelError",
    "Passage",
    "QueryError",
    "RagError",
    "Retriever",
    "SearchResult",
    "SentenceTransformerEmbedder",
    "Settings",
    "build_index",
    "load_settings",
]
