"""newsletter-qa: offline question answering over newsletter issues.

    from rag import Assistant, LlamaCppGenerator, Retriever, build_index, load_settings

    settings = load_settings()
    build_index(settings)                      # once; later runs embed only what changed
    result = Retriever.open(settings=settings).search("Who opened the AEO workshop?", k=5)
    assistant = Assistant(Retriever.open(settings=settings), LlamaCppGenerator(settings.model))
    answer = assistant.ask("Who opened the AEO workshop?")   # short_answer, text, citations, confidence

Importing the package loads no model: models load on first use.

The folders are the pipeline, and imports run one way: `answer` uses `retrieve`, which uses
`index`, which uses `ingest`; `generate` stands beside `answer`. The modules at this level
(config, errors, models, nlp, terms, words) serve every stage and import none.
"""

from rag.answer.assistant import Answer, Assistant
from rag.answer.citations import Citation
from rag.config import Settings, load_settings
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
from rag.generate.generator import Generator, LlamaCppGenerator
from rag.index.build import IndexReport, build_index
from rag.index.embedder import Embedder, SentenceTransformerEmbedder
from rag.index.passages import Passage
from rag.retrieve.filters import Filters
from rag.retrieve.retriever import Hit, Retriever, SearchResult

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
