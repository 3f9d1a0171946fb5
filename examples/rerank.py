"""Rerank documents against a query."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_RERANK_MODEL", "rerank-english-v2.0")


def main() -> None:
    with gateway():
        documents = [
            "Machine learning is a field of study in artificial intelligence",
            "Biology is the study of living organisms",
        ]
        response = shim.rerank(model=MODEL, query="What is machine learning?", documents=documents, top_n=2)
        for result in response.results:
            print(f"{result.relevance_score:.3f}  {documents[result.index]}")
        shim.close()


if __name__ == "__main__":
    main()
