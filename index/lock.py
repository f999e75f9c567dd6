"""One writer at a time: a lock file in the data dir."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from index.errors import IndexBusyError

LOCK_NAME = "writer.lock"
log = logging.getLogger(__name__)


class WriterLock:
    """Exclusive, process-wide writer lock; waits up to `timeout_s`, then raises IndexBusyError."""

    def __init__(self, data_dir: Path, timeout_s: float = 0.0) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / LOCK_NAME
        self.timeout_s = timeout_s
        self._lock = FileLock(str(self.path), thread_local=False)

    def acquire(self) -> None:
        """Take the lock or raise `IndexBusyError` with what to do instead."""
        try:
            try:
                self._lock.acquire(timeout=0)
            except Timeout:
                if self.timeout_s <= 0:
                    raise
                log.warning(
                    "Waiting up to %.0f s for another citebot process to finish writing the index.",
                    self.timeout_s,
                )
                self._lock.acquire(timeout=self.timeout_s)
        except Timeout as exc:
            raise IndexBusyError(
                f"Another citebot process is writing the index in {self.path.parent} "
                "(a running `citebot serve` or `ingest`). Wait for it (or set "
                "CITEBOT_LOCK_TIMEOUT_S to wait), or use the bot's /reindex."
            ) from exc

    def release(self) -> None:
        """Release the lock if held."""
        if self._lock.is_locked:
            self._lock.release()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the lock for a block: taken unless this process holds it already, and then
        released only by the block that took it."""
        held = self.held
        if not held:
            self.acquire()
        try:
            yield
        finally:
            if not held:
                self.release()

    @property
    def held(self) -> bool:
        """True if this process holds the lock."""
        return self._lock.is_locked

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
