"""The index as one object: open (with health check), ingest, retrieve, stats."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from common.errors import IndexCorruptError
from common.settings import Settings
from index.embedding import MODEL_NAME, Usem3Embedding
from index.ingest import Ingestor, Progress
from index.lexical import LexicalIndex
from index.lock import WriterLock
from index.retrieve import HybridRetriever
from index.store import ChromaStore, ChunkRecord, set_aside_broken
from index.types import IndexStats, IngestReport, Passage

log = logging.getLogger(__name__)


class IndexLibrary:
    """Sources -> Chroma + lexical index -> hybrid retriever. The single entry point to `index/`."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Usem3Embedding,
        *,
        data_dir: Path,
        sources_dir: Path,
        chunk_chars: int = 900,
        lock: WriterLock | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.data_dir = data_dir
        self.sources_dir = sources_dir
        self.chunk_chars = chunk_chars
        self.lock = lock or WriterLock(data_dir)
        self.rebuilt_from: Path | None = None
        self._retriever: HybridRetriever | None = None
        self._records: list[ChunkRecord] | None = None
        self._mutex = threading.RLock()

    @classmethod
    def from_settings(
        cls, settings: Settings, embedder: Usem3Embedding | None = None
    ) -> IndexLibrary:
        """Open the configured store; an unreadable embedded store is set aside and rebuilt."""
        data_dir = settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        rebuilt_from = None
        try:
            store = ChromaStore.from_settings(settings.chroma_url, data_dir, settings.collection)
            store.health_check()
        except IndexCorruptError:
            if settings.chroma_url:
                raise
            store, rebuilt_from = _reopen_fresh(settings)
        library = cls(
            store,
            embedder or Usem3Embedding(),
            data_dir=data_dir,
            sources_dir=settings.sources_dir,
            chunk_chars=settings.chunk_chars,
            lock=WriterLock(data_dir, settings.lock_timeout_s),
        )
        library.rebuilt_from = rebuilt_from
        return library

    # --- reading ---
    def records(self) -> list[ChunkRecord]:
        """All stored chunks (cached until the next ingest)."""
        with self._mutex:
            if self._records is None:
                self._records = self.store.records()
            return self._records

    @property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever over the current index content."""
        with self._mutex:
            if self._retriever is None:
                self._retriever = self._build_retriever()
            return self._retriever

    def _build_retriever(self) -> HybridRetriever:
        records = self.records()
        passages = {r.passage.id: r.passage for r in records}
        ids = sorted(passages)
        fingerprint = hashlib.sha1("\n".join(ids).encode()).hexdigest()
        folder = self.data_dir / f"lexical-{self.store.collection_name}"
        lexical = LexicalIndex.load(folder, fingerprint)
        if lexical is None:
            lexical = LexicalIndex.build(ids, [passages[i].text for i in ids], fingerprint)
            try:
                lexical.save(folder)
            except OSError as exc:
                log.warning("could not save the lexical index: %s", exc)
        return HybridRetriever(self.embedder.encode, self.store.query, lexical, passages)

    def retrieve(self, query: str, k: int) -> list[Passage]:
        """Shortcut for `retriever.retrieve`."""
        return self.retriever.retrieve(query, k)

    def stats(self) -> IndexStats:
        """Documents, chunks, location, embedding model."""
        records = self.records()
        sources = sorted({r.passage.source for r in records})
        return IndexStats(
            documents=len(sources),
            chunks=len(records),
            location=self.store.location,
            embedding_model=MODEL_NAME,
            sources=tuple(sources),
        )

    def is_empty(self) -> bool:
        """True if nothing is indexed."""
        return self.store.count() == 0

    # --- writing ---
    def ingest(
        self, paths: Sequence[Path] | None = None, progress: Progress | None = None
    ) -> IngestReport:
        """Sync the index with `paths` (default: the sources folder and every root indexed
        before). Takes the writer lock unless this process already holds it."""
        held = self.lock.held
        if not held:
            self.lock.acquire()
        try:
            with self._mutex:
                roots = list(paths) if paths else self.default_roots()
                report = Ingestor(self.store, self.embedder.encode, self.chunk_chars).run(
                    roots, self.sources_dir, progress, self.records()
                )
                report.rebuilt = self.rebuilt_from is not None
                if report.changed or report.rebuilt:
                    self._records = None
                    self._retriever = None
                return report
        finally:
            if not held:
                self.lock.release()

    def default_roots(self) -> list[Path]:
        """The sources folder plus every root indexed before."""
        roots = {self.sources_dir.resolve()}
        roots |= {Path(r.root) for r in self.records() if r.root}
        return sorted(roots)


def _reopen_fresh(settings: Settings) -> tuple[ChromaStore, Path]:
    """Set the unreadable embedded store aside and open an empty one in its place."""
    from chromadb.api.client import SharedSystemClient

    path = settings.data_dir / "chroma"
    SharedSystemClient.clear_system_cache()
    aside = set_aside_broken(path)
    log.warning("index at %s was unreadable; moved to %s and rebuilding", path, aside)
    store = ChromaStore.from_settings("", settings.data_dir, settings.collection)
    return store, aside
