"""Sentence vectors of every chunk, in a second Chroma collection beside the chunks.

Written only by the index's writer (under the writer lock), read by every process; a reader that
finds vectors missing (an interrupted ingest) computes them in memory instead."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import numpy as np

from index.embedding import DIM

log = logging.getLogger(__name__)
_PAGE = 5000
SUFFIX = "-sents"


class SentenceVectors:
    """chunk id -> (n_sentences, 512) unit vectors, stored as one record per sentence."""

    def __init__(self, client: Any, chunk_collection: str) -> None:
        self.client = client
        self.name = (chunk_collection + SUFFIX)[-512:]
        self._collection: Any = None

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self.client.get_or_create_collection(
                name=self.name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self._collection

    def load(self, chunk_ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Stored vectors of the given chunks (all when None)."""
        wanted = None if chunk_ids is None else list(chunk_ids)
        rows: dict[str, list[tuple[int, np.ndarray]]] = {}
        batches: list[list[str] | None] = [None]
        if wanted is not None:
            batches = [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
        for batch in batches:
            if batch == []:
                continue
            where = None if batch is None else {"chunk": {"$in": batch}}
            offset = 0
            while True:
                got = self.collection.get(
                    where=where, include=["embeddings", "metadatas"], limit=_PAGE, offset=offset
                )
                for meta, vec in zip(got["metadatas"], got["embeddings"], strict=True):
                    rows.setdefault(str(meta["chunk"]), []).append((int(meta["i"]), vec))
                if len(got["ids"]) < _PAGE:
                    break
                offset += _PAGE
        out = {}
        for cid, items in rows.items():
            items.sort(key=lambda x: x[0])
            if [i for i, _ in items] == list(range(len(items))):  # complete, else recomputed
                out[cid] = np.asarray([v for _, v in items], dtype=np.float32).reshape(-1, DIM)
        return out

    def stored_chunks(self) -> set[str]:
        """Chunk ids that have sentence records."""
        seen: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            seen |= {str(m["chunk"]) for m in got["metadatas"]}
            if len(got["ids"]) < _PAGE:
                return seen
            offset += _PAGE

    def add(self, vectors: dict[str, np.ndarray]) -> None:
        """Store the sentence vectors of some chunks (replacing any stored before)."""
        ids, embs, metas = [], [], []
        for cid, mat in vectors.items():
            for i, vec in enumerate(mat):
                ids.append(f"{cid}:{i}")
                embs.append(vec.tolist())
                metas.append({"chunk": cid, "i": i})
        step = 2000
        for s in range(0, len(ids), step):
            self.collection.upsert(
                ids=ids[s : s + step], embeddings=embs[s : s + step], metadatas=metas[s : s + step]
            )

    def delete(self, chunk_ids: Iterable[str]) -> None:
        """Remove the sentence records of these chunks."""
        batch = list(chunk_ids)
        for s in range(0, len(batch), 500):
            self.collection.delete(where={"chunk": {"$in": batch[s : s + 500]}})
