"""The user's corpus as `citebot sources` shows it: the sources registry as it applies to what the
index holds, and one entry per indexed document with its path and format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.chunk_records import ChunkRecord
from index.ingest import DocInfo, file_of, indexed_documents
from index.parsing import FORMATS
from index.sources import SourceRegistry
from index.types import DocumentEntry


def document_entries(
    indexed: dict[str, DocInfo], registry: SourceRegistry, sources_dir: Path
) -> list[DocumentEntry]:
    """The indexed documents, sorted by path."""
    entries = [
        DocumentEntry(
            path=str(file_of(info.root, info.source, sources_dir)),
            source=info.source,
            format=FORMATS.get(Path(info.source).suffix.lower(), "?"),
            passages=info.count,
            indexed_at=registry.indexed_at.get(key, 0.0),
            complete=info.complete,
        )
        for key, info in indexed.items()
    ]
    return sorted(entries, key=lambda e: e.path)


def load_registry(
    data_dir: Path,
    sources_dir: Path,
    indexed: dict[str, DocInfo] | None,
    records: Callable[[], list[ChunkRecord]],
) -> SourceRegistry:
    """The recorded sources; an index made before they were recorded gets its roots from
    what it holds (the sources folder counts as the user's own only if named elsewhere)."""
    registry = SourceRegistry.load(data_dir)
    if not registry.roots and not registry.user_named:
        docs = indexed if indexed is not None else indexed_documents(records())
        held = {info.root for info in docs.values() if info.root}
        default = str(sources_dir.expanduser().resolve())
        if held:
            registry.roots = sorted(held | ({default} if Path(default).is_dir() else set()))
            registry.user_named = held != {default}
    return registry

