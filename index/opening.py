"""Opening the configured Chroma store: embedded or a server, health-checked, and an unreadable
embedded store set aside (by the writer only) and replaced by an empty one to rebuild."""

from __future__ import annotations

import logging
from pathlib import Path

from index.config import IndexConfig
from index.errors import IndexCorruptError
from index.lock import WriterLock
from index.store import ChromaStore, set_aside_broken

log = logging.getLogger(__name__)


def open_store(
    settings: IndexConfig, *, as_writer: bool = False
) -> tuple[ChromaStore, WriterLock, Path | None]:
    """The store, the data dir's writer lock (held if `as_writer` and embedded) and, when the
    store was unreadable and set aside, where it went."""
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = WriterLock(data_dir, settings.lock_timeout_s)
    if as_writer and not settings.chroma_url:
        lock.acquire()
    try:
        store = ChromaStore.from_settings(
            settings.chroma_url, data_dir, settings.collection, settings.chroma_timeout_s,
            light=not as_writer,
        )
        store.health_check()
        return store, lock, None
    except IndexCorruptError:
        if settings.chroma_url:
            raise
    # Only the writer may set the store aside: a reader could be seeing a write in flight.
    held = lock.held
    if not held:
        lock.acquire()
    try:
        store, aside = _reopen_fresh(settings)
    finally:
        if not held:
            lock.release()
    return store, lock, aside


def _reopen_fresh(settings: IndexConfig) -> tuple[ChromaStore, Path]:
    """Set the unreadable embedded store aside and open an empty one in its place."""
    from chromadb.api.client import SharedSystemClient

    path = settings.data_dir / "chroma"
    SharedSystemClient.clear_system_cache()
    aside = set_aside_broken(path)
    log.warning("index at %s was unreadable; moved to %s and rebuilding", path, aside)
    store = ChromaStore.from_settings("", settings.data_dir, settings.collection)
    return store, aside
