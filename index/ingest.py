"""Incremental ingest: the index always ends up equal to the sources."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunking import chunk_document
from index.errors import LoaderError
from index.loaders import SUPPORTED, file_hash, load
from index.store import ChromaStore, ChunkRecord, DocumentChunks
from index.types import IngestReport

log = logging.getLogger(__name__)

Encoder = Callable[[list[str]], np.ndarray]
Progress = Callable[[str, int], None]  # (file name, files done) -> None
WRITE_BATCH = 512  # chunks per Chroma write; a crash mid-batch is redone (per-document check)


@dataclass(frozen=True)
class SourceFile:
    """A file to index: where it is, its display name, and the root it belongs to."""

    path: Path
    source: str
    root: str

    @property
    def key(self) -> str:
        """Unique document key in the store (root + display name)."""
        return f"{self.root}::{self.source}"


def doc_key(record: ChunkRecord) -> str:
    """The document key a stored chunk belongs to."""
    return f"{record.root}::{record.passage.source}"


def discover(root: Path, sources_dir: Path) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Files under `root` (or `root` itself); unsupported ones are returned as skipped."""
    root = root.resolve()
    is_default = root == sources_dir.resolve()
    if root.is_file():
        return [SourceFile(root, root.name, str(root))], []
    prefix = "" if is_default else f"{root.name}/"
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            source = prefix + path.relative_to(root).as_posix()
            if path.suffix.lower() not in SUPPORTED:
                skipped.append((source, f"unsupported file type '{path.suffix or name}'"))
                continue
            files.append(SourceFile(path, source, str(root)))
    return files, skipped


def count_files(roots: Iterable[Path], sources_dir: Path) -> int:
    """How many supported files the roots hold (for a progress bar)."""
    return sum(len(discover(r, sources_dir)[0]) for r in roots if r.exists())


class Ingestor:
    """Loads, chunks, embeds and stores sources; removes what disappeared."""

    def __init__(self, store: ChromaStore, encode: Encoder, chunk_chars: int = 1000) -> None:
        self.store = store
        self.encode = encode
        self.chunk_chars = chunk_chars
        self._pending: list[DocumentChunks] = []
        self.indexed: dict[str, DocInfo] = {}

    def run(
        self,
        roots: Iterable[Path],
        sources_dir: Path,
        progress: Progress | None = None,
        records: list[ChunkRecord] | None = None,
        indexed: dict[str, DocInfo] | None = None,
    ) -> IngestReport:
        """Sync the index with every root (a folder, recursively, or one file). What is indexed
        comes from `indexed` (a manifest), else `records`, else the store; afterwards
        `self.indexed` describes the store as this run left it."""
        started = time.perf_counter()
        report = IngestReport()
        if indexed is None:
            indexed = _indexed_documents(self.store.records() if records is None else records)
        self.indexed = indexed
        roots = [r.resolve() for r in roots]
        seen: set[str] = set()
        files: list[SourceFile] = []
        for root in roots:
            if not root.exists():
                continue  # its documents are removed below
            found, skipped = discover(root, sources_dir)
            files += found
            report.skipped += skipped
        for done, sf in enumerate(files, start=1):
            seen.add(sf.key)
            self._sync_file(sf, indexed.get(sf.key), report)
            if progress:
                progress(sf.source, done)
        self._flush()
        root_names = {str(r) for r in roots}
        for key, info in list(indexed.items()):
            if info.root in root_names and key not in seen:
                self.store.delete_source(key)
                del indexed[key]
                report.removed.append(info.source)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        return report

    def _sync_file(self, sf: SourceFile, current: DocInfo | None, report: IngestReport) -> None:
        try:
            data_hash = file_hash(sf.path.read_bytes())
        except OSError as exc:
            report.skipped.append((sf.source, f"cannot read ({exc.strerror or exc})"))
            return
        if current and current.complete and current.file_hash == data_hash:
            report.unchanged.append(sf.source)
            return
        try:
            doc = load(sf.path, sf.source)
            chunks = chunk_document(doc, max_chars=self.chunk_chars)
        except LoaderError as exc:
            report.skipped.append((sf.source, str(exc)))
            if current:  # the file no longer yields text: the index must not keep old text
                self.store.delete_source(sf.key)
                self.indexed.pop(sf.key, None)
                report.removed.append(sf.source)
            return
        vectors = self.encode([c.text for c in chunks])
        if current:  # an older or partly written version: replace it (a new file has nothing)
            self.store.delete_source(sf.key)
        self._pending.append(DocumentChunks(chunks, vectors, doc.file_hash, sf.key, sf.root))
        n = len(chunks)
        self.indexed[sf.key] = DocInfo(sf.source, sf.root, doc.file_hash, n, n, {doc.file_hash})
        if sum(len(d.chunks) for d in self._pending) >= WRITE_BATCH:
            self._flush()
        (report.updated if current else report.added).append(sf.source)
        report.chunks_written += len(chunks)

    def _flush(self) -> None:
        """Write the buffered documents in one Chroma call."""
        if self._pending:
            self.store.add_many(self._pending)
            self._pending = []


@dataclass
class DocInfo:
    """What the store holds of one document."""

    source: str
    root: str
    file_hash: str
    n_chunks: int
    count: int
    hashes: set[str]

    @property
    def complete(self) -> bool:
        """All chunks of one version are present (a crash mid-write leaves this False)."""
        return len(self.hashes) == 1 and self.count == self.n_chunks


def _indexed_documents(records: list[ChunkRecord]) -> dict[str, DocInfo]:
    docs: dict[str, DocInfo] = {}
    for r in records:
        key = doc_key(r)
        info = docs.get(key)
        if info is None:
            info = docs[key] = DocInfo(r.passage.source, r.root, r.file_hash, r.n_chunks, 0, set())
        info.count += 1
        info.hashes.add(r.file_hash)
    return docs
