"""The boundaries of the answering service: what it needs from `index/` (typed protocols, so
the service never depends on the concrete index or encoder)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from index.types import DocumentEntry, IndexStats, IngestReport, Passage


class Retriever(Protocol):
    """What the service needs from `index/` to answer."""

    def retrieve(self, query: str, k: int) -> list[Passage]: ...


class Encoder(Protocol):
    """Text to unit vectors (the index's multilingual encoder)."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


class Library(Protocol):
    """The index as a whole: retrieval plus upkeep (stats, re-ingest, all chunks)."""

    @property
    def retriever(self) -> Retriever: ...

    def records(self) -> list[Any]: ...

    def stats(self) -> IndexStats: ...

    def documents(self) -> tuple[list[DocumentEntry], list[tuple[str, str]]]: ...

    def ingest(self) -> IngestReport: ...
