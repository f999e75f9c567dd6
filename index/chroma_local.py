"""The embedded Chroma store for a reading process, without importing `chromadb` (~1 s of a warm
`citebot ask`: its package import pulls OpenTelemetry, gRPC, the ONNX embedding function, ...).

`LocalClient` opens the store's files with `chromadb_rust_bindings`, the engine chromadb's own
`PersistentClient` drives (`chromadb.api.rust.RustBindingsAPI`: same constructor arguments, same
calls), and answers the few reads retrieval makes: a collection's id, metadata and count, `get`
and `query`. Anything else (every write, deleting a collection, a collection that does not exist
yet) opens the real `chromadb.PersistentClient` and from then on everything goes through it, so a
process that writes reads back through chromadb itself. Pinned with chromadb (see pyproject);
`tests/test_chroma_local.py` checks it reads what chromadb reads."""

from __future__ import annotations

import resource
from typing import Any

TENANT = "default_tenant"
DATABASE = "default_database"


def client_settings() -> Any:
    """chromadb's settings for every client citebot opens (no telemetry, reset allowed)."""
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=True)


def _open_bindings(path: str) -> Any:
    import chromadb_rust_bindings as rb

    config = rb.SqliteDBConfig(  # chromadb's defaults: md5 migration hashes, migrations applied
        hash_type=rb.MigrationHash.MD5,
        migration_mode=rb.MigrationMode.Apply,
        url=f"{path}/chroma.sqlite3",
    )
    return rb.Bindings(
        allow_reset=True,
        sqlite_db_config=config,
        persist_path=path,
        hnsw_cache_size=resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 5,  # as chromadb
    )


class LocalClient:
    """Reads through the Rust bindings; everything else through `chromadb.PersistentClient`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._bindings: Any = _open_bindings(path)
        self._full: Any = None

    @property
    def bindings(self) -> Any:
        """The bindings, while no full client has been opened."""
        return self._bindings

    def full(self) -> Any:
        """The real chromadb client (opened on first need; the bindings are dropped)."""
        if self._full is None:
            import chromadb

            self._bindings = None
            self._full = chromadb.PersistentClient(path=self.path, settings=client_settings())
        return self._full

    def get_collection(self, name: str, **kwargs: Any) -> Any:
        """The collection `name` (chromadb's `NotFoundError` if there is none)."""
        if self._bindings is None:
            return self.full().get_collection(name, **kwargs)
        return LocalCollection(self, self._bindings.get_collection(name, TENANT, DATABASE))

    def get_or_create_collection(self, name: str, **kwargs: Any) -> Any:
        """The collection `name`; creating it goes through chromadb."""
        if self._bindings is not None:
            try:
                return self.get_collection(name)
            except Exception:  # not there (or unreadable): chromadb creates it or says why
                pass
        return self.full().get_or_create_collection(name=name, **kwargs)

    def __getattr__(self, name: str) -> Any:  # writes and the rest of chromadb's client API
        return getattr(self.full(), name)


class LocalCollection:
    """A collection read through the bindings; writes go to chromadb's own collection."""

    def __init__(self, client: LocalClient, model: Any) -> None:
        self._client = client
        self._real: Any = None
        self.name: str = model.name
        self.id = model.id
        self.metadata: dict[str, Any] | None = model.metadata

    def real(self) -> Any:
        """chromadb's own `Collection` for this one."""
        if self._real is None:
            self._real = self._client.full().get_collection(self.name, embedding_function=None)
        return self._real

    def count(self) -> int:
        """Number of records."""
        bindings = self._client.bindings
        if bindings is None:
            return int(self.real().count())
        return int(bindings.count(str(self.id), TENANT, DATABASE))

    def get(self, ids: list[str] | None = None, include: list[str] | None = None,
            limit: int | None = None, offset: int | None = None) -> dict[str, Any]:
        """Records by id or by page, as chromadb's `get` returns them."""
        include = ["metadatas", "documents"] if include is None else include
        bindings = self._client.bindings
        if bindings is None:
            return dict(self.real().get(ids=ids, include=include, limit=limit, offset=offset))
        got = bindings.get(str(self.id), ids, None, limit, offset or 0, None, include,
                           TENANT, DATABASE)
        return {"ids": got.ids, "documents": got.documents, "metadatas": got.metadatas,
                "embeddings": got.embeddings}

    def query(self, query_embeddings: list[list[float]], n_results: int = 10,
              include: list[str] | None = None) -> dict[str, Any]:
        """Nearest records of each query vector, as chromadb's `query` returns them."""
        include = ["metadatas", "documents", "distances"] if include is None else include
        bindings = self._client.bindings
        if bindings is None:
            return dict(self.real().query(query_embeddings=query_embeddings,
                                          n_results=n_results, include=include))
        got = bindings.query(str(self.id), None, query_embeddings, n_results, None, None,
                             include, TENANT, DATABASE)
        return {"ids": got.ids, "distances": got.distances, "documents": got.documents,
                "metadatas": got.metadatas}

    def __getattr__(self, name: str) -> Any:  # modify, add, upsert, delete, ...
        return getattr(self.real(), name)


def real_collection(collection: Any) -> Any:
    """chromadb's own collection behind `collection` (for llama-index's `ChromaVectorStore`)."""
    return collection.real() if isinstance(collection, LocalCollection) else collection
