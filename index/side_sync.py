"""The side indexes kept in step with an ingest in bounded memory.

During the ingest every written batch of chunks hands its sentence vectors to the sentence
store and its words to the lexical index at once (`SideIndexes.absorb`), so nothing grows with
the file but the lexical postings. At the end, `SideIndexes.finish` makes both equal to the chunk
collection by id, reading back only what is missing (a previous run killed mid-way) in pages and
dropping what is stale (removed or replaced documents): a 20 MB file is never read back whole,
and no retriever is built until someone asks a question."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from index.chunk_records import record_from
from index.types import Passage

PAGE = 2000  # chunks read back at a time


class Written(Protocol):
    """What the side indexes need of a chunk (a `Chunk` being ingested or a stored `Passage`)."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def locator(self) -> str: ...
    @property
    def context(self) -> str: ...
    @property
    def embed_text(self) -> str: ...


def chunk_ids(collection: Any) -> list[str]:
    """Every chunk id in the collection (paged, ids only)."""
    out: list[str] = []
    offset = 0
    while True:
        got = collection.get(include=[], limit=PAGE * 5, offset=offset)
        out += got["ids"]
        if len(got["ids"]) < PAGE * 5:
            return out
        offset += PAGE * 5


def passages_of(collection: Any, ids: list[str]) -> Iterator[list[Passage]]:
    """The stored passages of `ids`, a page at a time."""
    for s in range(0, len(ids), PAGE):
        got = collection.get(ids=ids[s : s + PAGE], include=["documents", "metadatas"])
        yield [
            record_from(cid, text or "", meta or {}).passage
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
