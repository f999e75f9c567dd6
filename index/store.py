"""Chroma, embedded (PersistentClient) or a server (HttpClient).

Writes go through llama-index's Chroma integration (`ChromaVectorStore`, imported on the first
write); reads use the same collection through chromadb's own API, so answering never imports
llama-index-core."""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from index.chroma_local import LocalClient, client_settings, real_collection
from index.chunk_records import ChunkRecord, DocumentChunks, record_from, to_nodes
from index.chunking import Chunk
from index.encoders import record
from index.errors import ConfigError, IndexCorruptError, StoreUnavailableError
from index.remote import describe, guarded, set_timeout

if TYPE_CHECKING:
    from llama_index.core.schema import BaseNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

log = logging.getLogger(__name__)
_GET_PAGE = 5000
_DEFAULT_MAX_BATCH = 5000
VERSION_KEY = "citebot_version"  # collection metadata: a stamp every writing ingest renews
SYNCED_KEY = "citebot_synced"  # the version whose sentence vectors the writer finished storing


class ChromaStore:
    """Chunk vectors and texts in one Chroma collection (cosine space)."""

    def __init__(self, client: Any, collection_name: str, location: str) -> None:
        self.client = client
        self.collection_name = collection_name
        self.location = location
        self._stale = False
        self._max_batch: int | None = None
        self._vector_store: ChromaVectorStore | None = None
        self._open_collection()

    def _open_collection(self) -> None:
        self.collection = self.client.get_or_create_collection(
            name=self.collection_name,
            embedding_function=None,
            metadata={"hnsw:space": "cosine"},
        )
        self._vector_store = None
        self._stale = False

    @property
    def vector_store(self) -> ChromaVectorStore:
        """llama-index's view of the collection, for writes (imported on first use)."""
        if self._vector_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._vector_store = ChromaVectorStore(
                chroma_collection=real_collection(self.collection)
            )
        return self._vector_store

    def unavailable_message(self, exc: BaseException) -> str:
        """The one line a user sees when the Chroma server fails."""
        import httpx

        reason = describe(exc)
        if isinstance(exc, httpx.TransportError) or "connect" in reason or "in time" in reason:
            return (
                f"The Chroma server at {self.location} is not reachable ({reason}); "
                "start it (chroma run) or unset CITEBOT_CHROMA_URL, then try again."
            )
        return f"The Chroma server at {self.location} failed ({reason}); try again later."

    @property
    def is_server(self) -> bool:
        """True when talking to a Chroma server."""
        return self.location.startswith("http")

    @classmethod
    def from_settings(
        cls, chroma_url: str, data_dir: Path, collection: str, timeout_s: float = 30.0,
        *, light: bool = False,
    ) -> ChromaStore:
        """Open the embedded store in `data_dir/chroma`, or the server at `chroma_url`. `light`:
        an embedded store is read without importing chromadb until something is written
        (`index.chroma_local`), for a process that mostly reads."""
        if chroma_url:
            import chromadb

            url = urlparse(chroma_url)
            if url.scheme not in {"http", "https"} or not url.hostname:
                raise ConfigError(  # the URL itself is not echoed: it may carry a password
                    "CITEBOT_CHROMA_URL must look like http://host:port"
                )
            port = url.port or (443 if url.scheme == "https" else 8000)
            location = f"{url.scheme}://{url.hostname}:{port}"  # never echo credentials
            try:
                client = chromadb.HttpClient(
                    host=url.hostname,
                    port=port,
                    ssl=url.scheme == "https",
                    settings=client_settings(),
                )
                set_timeout(client, timeout_s)
                client.heartbeat()
                return cls(client, collection, location)
            except Exception as exc:
                raise StoreUnavailableError(
                    f"The Chroma server at {location} is not reachable ({describe(exc)}); "
                    "start it (chroma run) or unset CITEBOT_CHROMA_URL, then try again."
                ) from exc
        path = data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        try:
            if light:
                return cls(LocalClient(str(path)), collection, str(path))
            import chromadb

            client = chromadb.PersistentClient(path=str(path), settings=client_settings())
            return cls(client, collection, str(path))
        except Exception as exc:
            raise IndexCorruptError(f"the index at {path} cannot be opened ({exc})") from exc

    @guarded
    def health_check(self) -> None:
        """Count and run one query; raise `IndexCorruptError` if the store is unreadable."""
        try:
            n = self.collection.count()
            if n:
                built = self.encoder_record()
                probe = np.zeros(built[1] if built and built[1] else 512, dtype=np.float32)
                probe[0] = 1.0
                self.collection.query(query_embeddings=[probe.tolist()], n_results=1, include=[])
        except Exception as exc:
            if self.is_server:
                raise  # `_guarded` turns it into one clear line
            raise IndexCorruptError(f"the index at {self.location} is unreadable ({exc})") from exc

    @guarded
    def count(self) -> int:
        """Number of stored chunks."""
        return int(self.collection.count())

    def add(
        self, chunks: list[Chunk], vectors: np.ndarray, file_hash: str, doc_key: str, root: str
    ) -> None:
        """Store the chunks of one document (`doc_key`) with their vectors, via llama-index."""
        self.add_many([DocumentChunks(chunks, vectors, file_hash, doc_key, root, len(chunks))])

    def max_batch_size(self) -> int:
        """The most records the store takes in one write (Chroma's `get_max_batch_size`)."""
        if self._max_batch is None:
            try:
                self._max_batch = int(self.client.get_max_batch_size())
            except Exception as exc:  # an old or unreachable server: a safe default
                log.info("max batch size unknown (%s); using %d", exc, _DEFAULT_MAX_BATCH)
                self._max_batch = _DEFAULT_MAX_BATCH
        return self._max_batch

    @guarded
    def add_many(self, docs: list[DocumentChunks]) -> None:
        """Store several documents' chunks, in writes no larger than the store accepts: each
        write costs a commit (~40 ms embedded), so one per file would dominate at scale."""
        nodes: list[BaseNode] = [node for doc in docs for node in to_nodes(doc)]
        size = self.max_batch_size()
        for s in range(0, len(nodes), size):
            self.vector_store.add(nodes[s : s + size])

    @guarded
    def delete_source(self, doc_key: str) -> None:
        """Remove every chunk of one document."""
        self.vector_store.delete(ref_doc_id=doc_key)

    @guarded
    def records(self) -> list[ChunkRecord]:
        """Every stored chunk with its metadata (paged)."""
        out: list[ChunkRecord] = []
        offset = 0
        while True:
            got = self.collection.get(
                include=["documents", "metadatas"], limit=_GET_PAGE, offset=offset
            )
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                out.append(record_from(cid, text or "", meta or {}))
            if len(got["ids"]) < _GET_PAGE:
                return out
            offset += _GET_PAGE

    @guarded
    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the `k` nearest chunks."""
        if k <= 0:
            return []
        got = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=k, include=["distances"]
        )
        # Chroma's cosine distance is 1 - cos
        ids, distances = got["ids"][0], (got["distances"] or [[]])[0]
        return [(nid, 1.0 - float(d)) for nid, d in zip(ids, distances, strict=True)]

    @guarded
    def state(self) -> tuple[str, str]:
        """(version stamp, collection id): changes when an ingest completes anywhere, or when
        the collection is created anew (a server that lost its data). One small request; the
        chunk count is left out on purpose, so readers do not reload on every write of an
        ingest still under way."""
        current = self._current()
        if current.id != self.collection.id:  # dropped and created again elsewhere
            self._open_collection()
        return str((current.metadata or {}).get(VERSION_KEY, "")), str(current.id)

    @guarded
    def bump_version(self) -> str:
        """Renew the version stamp so readers in other processes rebuild their caches."""
        stamp = f"{time.time():.3f}-{uuid.uuid4().hex[:12]}"
        self._update_metadata({VERSION_KEY: stamp})
        return stamp

    def try_bump_version(self) -> None:
        """`bump_version` after a failed write; if the store itself failed, its next good
        ingest bumps instead."""
        try:
            self.bump_version()
        except Exception as exc:
            log.info("could not renew the index version stamp: %s", exc)

    @guarded
    def sidecar_synced(self) -> bool:
        """True if the last writer finished syncing what retrieval keeps beside the chunks
        (sentence vectors) for the current version: a killed writer leaves this False."""
        meta = self._current().metadata or {}
        return bool(meta.get(VERSION_KEY)) and meta.get(SYNCED_KEY) == meta.get(VERSION_KEY)

    @guarded
    def mark_sidecar_synced(self) -> None:
        """Record that the side data now matches the current version."""
        meta = self._current().metadata or {}
        stamp = str(meta.get(VERSION_KEY) or "")
        if not stamp:
            stamp = f"{time.time():.3f}-{uuid.uuid4().hex[:12]}"
        self._update_metadata({VERSION_KEY: stamp, SYNCED_KEY: stamp})

    @guarded
    def encoder_record(self) -> tuple[str, int] | None:
        """(name, dim) of the encoder that built the collection (None: new and empty)."""
        current = self._current()
        return record.read(current.metadata, int(current.count()))

    @guarded
    def record_encoder(self, name: str, dim: int) -> None:
        """Record the encoder the collection's vectors come from."""
        self._update_metadata(record.as_metadata(name, dim))

    def _current(self) -> Any:
        """The collection as stored now (metadata, id, count). No embedding function: chromadb
        would otherwise build and inspect its default one on every call (~15 ms)."""
        return self.client.get_collection(self.collection_name, embedding_function=None)

    def _update_metadata(self, values: dict[str, Any]) -> None:
        current = self._current().metadata or {}
        # `modify` replaces the metadata; hnsw:* keys may not be sent again (the cosine space
        # lives in the collection's configuration and stays)
        merged = {k: v for k, v in current.items() if not k.startswith("hnsw:")} | values
        self.collection.modify(metadata=merged)

    def reset(self) -> None:
        """Drop the collection and create it empty."""
        try:
            self.client.delete_collection(self.collection_name)
        except Exception:  # not there: nothing to drop
            log.debug("collection %s absent on reset", self.collection_name)
        self._open_collection()


def set_aside_broken(path: Path) -> Path:
    """Move a broken embedded store aside (kept for inspection) and return its new path."""
    target = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.move(str(path), str(target))
    return target
