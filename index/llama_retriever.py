"""citebot's hybrid retrieval as a llama-index `BaseRetriever`.

Anything in the llama-index ecosystem that takes a retriever (`RetrieverQueryEngine`,
`CondensePlusContextChatEngine`, node post-processors, evaluators) can use citebot's index
directly: each passage comes back as a `NodeWithScore` whose node id is the chunk id and whose
metadata carries the citation (`source`, `locator`, character span). citebot's own answering
service uses the same `retrieve(query, k)` underneath, so both see identical rankings.
"""

from __future__ import annotations

from typing import Any, Protocol

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from index.types import Passage


class PassageSearch(Protocol):
    """What the adapter needs: citebot's ranked passage search."""

    def retrieve(self, query: str, k: int) -> list[Passage]: ...


def passage_node(passage: Passage) -> NodeWithScore:
    """One citable passage as a llama-index node with its fused score."""
    node = TextNode(
        id_=passage.id,
        text=passage.text,
        metadata={
            "source": passage.source,
            "locator": passage.locator,
            "start": passage.start,
            "end": passage.end,
        },
        excluded_embed_metadata_keys=["start", "end"],
        excluded_llm_metadata_keys=["start", "end"],
    )
    return NodeWithScore(node=node, score=passage.score)


class CitebotRetriever(BaseRetriever):
    """Hybrid dense + lexical retrieval (see `index.retrieve`) behind llama-index's interface."""

    def __init__(self, search: PassageSearch, top_k: int = 5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._search = search
        self._top_k = top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [passage_node(p) for p in self._search.retrieve(query_bundle.query_str, self._top_k)]
