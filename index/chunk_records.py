"""How a chunk is stored in Chroma: its metadata, written as llama-index nodes and read back.

Reading needs no llama-index: `record_from` decodes the metadata llama-index wrote, so the read
path (`citebot ask`, the bot's answers) never imports llama-index-core (~1 s)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from index.chunking import Chunk
from index.types import Passage

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode


@dataclass(frozen=True)
class ChunkRecord:
    """A stored chunk as read back from Chroma."""

    passage: Passage
    file_hash: str
    n_chunks: int
    position: int
    root: str


@dataclass(frozen=True)
class DocumentChunks:
    """One document's chunks and vectors, ready to store."""

    chunks: list[Chunk]
    vectors: np.ndarray
    file_hash: str
    doc_key: str
    root: str
    total: int = 0  # the document's chunk count, on its last batch only (0: more to come)


def _sentences_to_str(spans: tuple[tuple[int, int], ...]) -> str:
    return ",".join(f"{s}:{e}" for s, e in spans)


def _sentences_from_str(value: str) -> tuple[tuple[int, int], ...]:
    if not value:
        return ()
    return tuple((int(a), int(b)) for a, b in (p.split(":") for p in value.split(",")))


def to_nodes(doc: DocumentChunks) -> list[TextNode]:
    """The chunks as llama-index nodes (written through its Chroma integration)."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    nodes = []
    for chunk, vec in zip(doc.chunks, doc.vectors, strict=True):
        node = TextNode(
            id_=chunk.id,
            text=chunk.text,
            embedding=vec.tolist(),
            metadata={
                "source": chunk.source,
                "locator": chunk.locator,
                "start": chunk.start,
                "end": chunk.end,
                "sents": _sentences_to_str(chunk.sentences),
                "file_hash": doc.file_hash,
                "n_chunks": doc.total,
                "position": chunk.position,
                "root": doc.root,
                "heading": chunk.heading,
            },
            start_char_idx=chunk.start,
            end_char_idx=chunk.end,
        )
        node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=doc.doc_key)
        nodes.append(node)
    return nodes


def record_from(cid: str, text: str, meta: dict[str, Any]) -> ChunkRecord:
    passage = Passage(
        id=cid,
        text=text,
        source=str(meta.get("source", "")),
        locator=str(meta.get("locator", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        sentences=_sentences_from_str(str(meta.get("sents", ""))),
        heading=str(meta.get("heading", "")),
    )
    return ChunkRecord(
        passage=passage,
        file_hash=str(meta.get("file_hash", "")),
        n_chunks=int(meta.get("n_chunks", 0)),
        position=int(meta.get("position", 0)),
        root=str(meta.get("root", "")),
    )
