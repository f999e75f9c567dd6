"""A memo of text -> vector in front of the encoder, for the answering service.

The offline answerer embeds the words and sentences of every retrieved passage (about 150 texts
per answer) and the briefing embeds sentences; the same passages and words come back question
after question, and the encoder runs one call at a time. Remembering recent vectors made an
offline answer's CPU several times smaller (bench/results/telegram.md)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

Encode = Callable[[list[str]], np.ndarray]


class CachedEncoder:
    """`encode(texts)` with the last `max_items` vectors remembered (least recently used out)."""

    def __init__(self, encode: Encode, max_items: int = 20_000) -> None:
        self.inner = encode
        self.max_items = max_items
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            found = {t: self._vectors[t] for t in texts if t in self._vectors}
            for t in found:
                self._vectors.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = self.inner(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    found[text] = self._vectors[text] = vector
                while len(self._vectors) > self.max_items:
                    self._vectors.popitem(last=False)
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if not texts:
            return self.inner(texts)
        return np.stack([found[t] for t in texts])
