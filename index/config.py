"""What `index/` needs to know of the configuration, as a protocol.

The one `Settings` class lives with the application (`bot/settings.py`); `index/` never imports
`bot/`, so it states here which settings it reads, and any object with these attributes (the
`Settings`, or a small dataclass in a test) will do."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class IndexConfig(Protocol):
    """The settings the index reads."""

    @property
    def data_dir(self) -> Path: ...
    @property
    def sources_dir(self) -> Path: ...
    @property
    def chroma_url(self) -> str: ...
    @property
    def collection(self) -> str: ...
    @property
    def chroma_timeout_s(self) -> float: ...
    @property
    def lock_timeout_s(self) -> float: ...
    @property
    def chunk_chars(self) -> int: ...
    @property
    def embedding(self) -> str | None:
        """Encoder name (`usem3`, `e5-small`, `usem3+e5-small`); None = the index's own, or the
        default."""
        ...
    @property
    def encoder_threads(self) -> int:
        """Threads of the e5 engine per call (usem3 always uses one)."""
        ...
    @property
    def ingest_batch(self) -> int: ...
    @property
    def index_refresh_s(self) -> float: ...
