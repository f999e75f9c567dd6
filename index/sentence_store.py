"""Sentence vectors of every chunk, in a second Chroma collection beside the chunks.

One record per chunk (id = chunk id): the sentence vectors as float16 in its metadata, and their
normalised mean as its embedding. Packing them so costs a quarter of one record per sentence at
ingest. Written only by the index's writer (under the writer lock), read by every process; a
reader that finds vectors missing (an interrupted ingest) computes them in memory instead."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
_PAGE = 2000
SUFFIX = "-sents"


def pack(vectors: np.ndarray) -> str:
    """Sentence vectors as base64 float16."""
    return base64.b64encode(vectors.astype("<f2").tobytes()).decode("ascii")


def unpack(value: str, dim: int) -> np.ndarray:
    """The inverse of `pack` (float16 as stored, one row per sentence: the retriever widens
    them once, into its one matrix, so a large index is not held twice in float32)."""
    raw = np.frombuffer(base64.b64decode(value), dtype="<f2")
    return raw.reshape(-1, dim)


class SentenceVectors:
    """chunk id -> (n_sentences, dim) unit vectors."""

    def __init__(self, client: Any, chunk_collection: str, dim: int) -> None:
        self.client = client
        self.dim = dim
        self.name = (chunk_collection + SUFFIX)[-512:]
        self._collection: Any = None

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self.client.get_or_create_collection(
                name=self.name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self._collection

    def drop(self) -> None:
        """Delete the whole collection (a rebuild)."""
        try:
            self.client.delete_collection(self.name)
        except Exception:  # not there: nothing to drop
            log.debug("sentence collection %s absent", self.name)
        self._collection = None

    def forget(self) -> None:
        """Drop the collection handle (after an error: a restarted server gets a fresh one)."""
        self._collection = None

    def load(self, chunk_ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Stored vectors of the given chunks (all when None)."""
        out: dict[str, np.ndarray] = {}
        if chunk_ids is None:
            offset = 0
            while True:
                got = self.collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
                out |= _decode(got, self.dim)
                if len(got["ids"]) < _PAGE:
                    return out
                offset += _PAGE
        wanted = list(chunk_ids)
        for s in range(0, len(wanted), _PAGE):
            got = self.collection.get(ids=wanted[s : s + _PAGE], include=["metadatas"])
            out |= _decode(got, self.dim)
        return out

    def stored_chunks(self) -> set[str]:
        """Chunk ids that have sentence vectors stored."""
        seen: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=_PAGE * 5, offset=offset)
            seen |= set(got["ids"])
            if len(got["ids"]) < _PAGE * 5:
                return seen
            offset += _PAGE * 5

    def add(self, vectors: dict[str, np.ndarray]) -> None:
        """Store the sentence vectors of some chunks (replacing any stored before)."""
        items = list(vectors.items())
        for s in range(0, len(items), _PAGE):
            batch = items[s : s + _PAGE]
            means = np.stack([m.mean(axis=0) for _, m in batch])
            means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
            self.collection.upsert(
                ids=[cid for cid, _ in batch],
                embeddings=means.tolist(),
                metadatas=[{"n": len(m), "sv": pack(m)} for _, m in batch],
            )

    def delete(self, chunk_ids: Iterable[str]) -> None:
        """Remove the sentence vectors of these chunks."""
        ids = list(chunk_ids)
        for s in range(0, len(ids), _PAGE):
            self.collection.delete(ids=ids[s : s + _PAGE])


def _decode(got: dict[str, Any], dim: int) -> dict[str, np.ndarray]:
    out = {}
    for cid, meta in zip(got["ids"], got["metadatas"], strict=True):
        try:
            mat = unpack(str(meta["sv"]), dim)
            if len(mat) == int(meta["n"]):
                out[cid] = mat
        except (KeyError, TypeError, ValueError) as exc:  # recomputed by the caller
            log.info("sentence vectors of %s unreadable (%s)", cid, exc)
    return out
