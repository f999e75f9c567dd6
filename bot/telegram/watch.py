"""Optional watching of the sources folder: when files change, the running bot (the index's
single writer) re-indexes, as if an admin had sent /reindex."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram.ext import ContextTypes

from bot.telegram.deps import BotDeps
from index.errors import CitebotError

log = logging.getLogger(__name__)
Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(folder: Path) -> Fingerprint:
    """(path, size, mtime) of every file under `folder`: cheap, and changes when a file does."""
    if not folder.is_dir():
        return ()
    out = []
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                st = path.stat()
                out.append((str(path.relative_to(folder)), st.st_size, st.st_mtime_ns))
        except OSError:
            continue
    return tuple(sorted(out))


class SourceWatcher:
    """A JobQueue job that re-indexes when the sources folder changes."""

    def __init__(self, deps: BotDeps, folder: Path) -> None:
        self.deps = deps
        self.folder = folder
        self.last = fingerprint(folder)

    async def tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Check the folder; re-index if anything changed since the last look."""
        current = await asyncio.to_thread(fingerprint, self.folder)
        if current == self.last or self.deps.reindex_lock.locked():
            return
        async with self.deps.reindex_lock:
            try:
                report = await self.deps.answerer.reindex()
            except CitebotError as exc:
                log.warning("re-indexing after a change in %s failed: %s", self.folder, exc)
                return
            self.last = current
        log.info(
            "sources changed: %d added, %d updated, %d removed",
            len(report.added), len(report.updated), len(report.removed),
        )
