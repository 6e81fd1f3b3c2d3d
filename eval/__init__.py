"""Evaluation harness: question set, retrieval metrics, reports and the regression gate.

It stands on the library's public API (rag.Retriever) exactly as a user's code would;
the library never imports it.
"""
