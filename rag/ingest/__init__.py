"""From newsletter files to clean documents: reading, cleaning, metadata, article sections.

Ingestion knows nothing of embeddings or indexes; `load_documents` is its one entry point.
"""

from rag.ingest.documents import Document, Section, load_document, load_documents

__all__ = ["Document", "Section", "load_document", "load_documents"]
