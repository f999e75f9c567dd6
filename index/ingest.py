"""Incremental ingest: the index always ends up equal to the sources."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunking import Chunk, chunk_blocks
from index.errors import LoaderError
from index.parsing import SUPPORTED, ParsedDocument, file_hash, parse
from index.store import ChromaStore, ChunkRecord, DocumentChunks
from index.types import IngestReport

log = logging.getLogger(__name__)

Encoder = Callable[[list[str]], np.ndarray]
Written = Callable[[list[Chunk]], None]  # told of every batch of chunks once it is stored
Progress = Callable[[str, int], None]  # (file name, bytes of the sources done) -> None
WRITE_BATCH = 512  # chunks per Chroma write (capped by the store's maximum batch size)
ENCODE_BATCH = 64  # chunks embedded at a time (progress is reported after each)


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


Excluded = Callable[[Path], bool]  # files the user asked to forget


def _prefix(root: Path, sources_dir: Path) -> str:
    return "" if root == sources_dir.resolve() else f"{root.name}/"


def file_of(root: str, source: str, sources_dir: Path) -> Path:
    """The file a document (its root and display name) was read from."""
    base = Path(root)
    prefix = _prefix(base, sources_dir)
    if not prefix:
        return base / source
    if source.startswith(prefix):
        return base / source[len(prefix):]
    return base  # a single file indexed as its own root


def discover(
    root: Path, sources_dir: Path, excluded: Excluded | None = None
) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Files under `root` (or `root` itself); unsupported ones are returned as skipped."""
    root = root.resolve()
    if root.is_file():
        return [SourceFile(root, root.name, str(root))], []
    prefix = _prefix(root, sources_dir)
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if excluded and excluded(path):
                continue
            source = prefix + path.relative_to(root).as_posix()
            if path.suffix.lower() not in SUPPORTED:
                skipped.append((source, f"unsupported file type '{path.suffix or name}'"))
                continue
            files.append(SourceFile(path, source, str(root)))
    return files, skipped


def count_files(roots: Iterable[Path], sources_dir: Path) -> int:
    """How many supported files the roots hold."""
    return sum(len(discover(r, sources_dir)[0]) for r in roots if r.exists())


def count_bytes(roots: Iterable[Path], sources_dir: Path) -> int:
    """How many bytes the supported files under the roots hold (a progress bar's total)."""
    total = 0
    for root in roots:
        if root.exists():
            for sf in discover(root, sources_dir)[0]:
                with contextlib.suppress(OSError):
                    total += sf.path.stat().st_size
    return total


class Ingestor:
    """Loads, chunks, embeds and stores sources; removes what disappeared."""

    def __init__(
        self, store: ChromaStore, encode: Encoder, chunk_chars: int = 1000,
        batch_size: int = WRITE_BATCH, written: Written | None = None,
    ) -> None:
        self.store = store
        self.encode = encode
        self.written = written
        self.chunk_chars = chunk_chars
        self.batch_size = max(1, min(batch_size, store.max_batch_size()))
        self._pending: list[DocumentChunks] = []
        self._wrote_part = False
        self._done_bytes = 0
        self._progress: Progress | None = None
        self.indexed: dict[str, DocInfo] = {}
        self.skipped_paths: list[tuple[str, str]] = []  # (absolute path, reason)

    def written_keys(self, report: IngestReport) -> list[str]:
        """The document keys that `report`'s run wrote (added or updated)."""
        written = set(report.added) | set(report.updated)
        return [key for key, info in self.indexed.items() if info.source in written]

    def run(
        self,
        roots: Iterable[Path],
        sources_dir: Path,
        progress: Progress | None = None,
        records: list[ChunkRecord] | None = None,
        indexed: dict[str, DocInfo] | None = None,
        excluded: Excluded | None = None,
        keep_roots: set[str] | None = None,
    ) -> IngestReport:
        """Sync the index with every root (a folder, recursively, or one file). What is indexed
        comes from `indexed` (a manifest), else `records`, else the store; afterwards
        `self.indexed` describes the store as this run left it. Files `excluded` are treated as
        gone; with `keep_roots`, documents of any other root are removed too."""
        started = time.perf_counter()
        report = IngestReport()
        if indexed is None:
            indexed = indexed_documents(self.store.records() if records is None else records)
        self.indexed = indexed
        roots = [r.resolve() for r in roots]
        seen: set[str] = set()
        files: list[SourceFile] = []
        for root in roots:
            if not root.exists():
                continue  # its documents are removed below
            found, skipped = discover(root, sources_dir, excluded)
            files += found
            report.skipped += skipped
            self.skipped_paths += [(str(file_of(str(root), name, sources_dir)), why)
                                   for name, why in skipped]
        self._done_bytes = 0
        self._progress = progress
        for sf in files:
            seen.add(sf.key)
            self._sync_file(sf, indexed.get(sf.key), report)
            with contextlib.suppress(OSError):
                self._done_bytes += sf.path.stat().st_size
            if progress:
                progress(sf.source, self._done_bytes)
        self._flush()
        root_names = {str(r) for r in roots}
        for key, info in list(indexed.items()):
            gone = info.root in root_names and key not in seen
            if gone or (keep_roots is not None and info.root not in keep_roots):
                self.store.delete_source(key)
                del indexed[key]
                report.removed.append(info.source)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - started
        return report

    def _sync_file(self, sf: SourceFile, current: DocInfo | None, report: IngestReport) -> None:
        try:
            data_hash = file_hash(sf.path)
        except OSError as exc:
            report.skipped.append((sf.source, f"cannot read ({exc.strerror or exc})"))
            self.skipped_paths.append((str(sf.path), report.skipped[-1][1]))
            return
        if current and current.complete and current.file_hash == data_hash:
            report.unchanged.append(sf.source)
            return
        try:
            doc = parse(sf.path, sf.source)
            if current:  # an older or partly written version: replace it
                self._flush()
                self.store.delete_source(sf.key)
                self.indexed.pop(sf.key, None)
            n = self._stream(sf, doc, data_hash)
        except LoaderError as exc:
            report.skipped.append((sf.source, str(exc)))
            self.skipped_paths.append((str(sf.path), str(exc)))
            self._pending = [d for d in self._pending if d.doc_key != sf.key]
            if current or self._wrote_part:  # the index must not keep old or partial text
                self.store.delete_source(sf.key)
                self.indexed.pop(sf.key, None)
                if current:
                    report.removed.append(sf.source)
            return
        self.indexed[sf.key] = DocInfo(sf.source, sf.root, data_hash, n, n, {data_hash})
        (report.updated if current else report.added).append(sf.source)
        report.chunks_written += n

    def _stream(self, sf: SourceFile, doc: ParsedDocument, data_hash: str) -> int:
        """Parse, chunk, embed and buffer one document batch by batch; the last batch carries
        the chunk total, so a document cut short by a crash is seen as incomplete."""
        self._wrote_part = False
        batch: list[Chunk] = []
        n = 0
        size = min(self.batch_size, ENCODE_BATCH)  # embedded this many at a time
        for chunk in chunk_blocks(doc.blocks(), sf.source, max_chars=self.chunk_chars):
            batch.append(chunk)
            n += 1
            if len(batch) > size:  # keep one back: the last batch must not be empty
                self._buffer(sf, batch[:size], data_hash, 0)
                batch = batch[size:]
                if self._progress:
                    self._progress(sf.source, self._done_bytes + doc.bytes_read)
        self._buffer(sf, batch, data_hash, n)
        return n

    def _buffer(self, sf: SourceFile, chunks: list[Chunk], data_hash: str, total: int) -> None:
        vectors = self.encode([c.embed_text for c in chunks])
        self._pending.append(DocumentChunks(chunks, vectors, data_hash, sf.key, sf.root, total))
        if sum(len(d.chunks) for d in self._pending) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        """Write the buffered chunks (the store splits them to its maximum batch size)."""
        if self._pending:
            self.store.add_many(self._pending)
            self._wrote_part = True
            pending, self._pending = self._pending, []
            if self.written:
                self.written([c for doc in pending for c in doc.chunks])


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


def indexed_documents(records: list[ChunkRecord]) -> dict[str, DocInfo]:
    docs: dict[str, DocInfo] = {}
    for r in records:
        key = doc_key(r)
        info = docs.get(key)
        if info is None:
            info = docs[key] = DocInfo(r.passage.source, r.root, r.file_hash, r.n_chunks, 0, set())
        info.n_chunks = max(info.n_chunks, r.n_chunks)  # only a document's last batch has it
        if r.n_chunks:
            info.file_hash = r.file_hash
        info.count += 1
        info.hashes.add(r.file_hash)
    return docs
