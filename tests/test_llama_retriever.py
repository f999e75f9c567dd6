"""citebot's index plugs into llama-index: a `BaseRetriever` that query and chat engines accept."""

from __future__ import annotations

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.chat_engine import CondensePlusContextChatEngine
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine

from index.search_index import SearchIndex


def test_retriever_returns_nodes_with_citation_metadata(seed_library: SearchIndex) -> None:
    retriever = seed_library.as_retriever(top_k=3)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve("Когда обанкротилась Zhidou?")
    ours = seed_library.retrieve("Когда обанкротилась Zhidou?", 3)
    assert [n.node.node_id for n in nodes] == [p.id for p in ours]
    assert [n.score for n in nodes] == [p.score for p in ours]
    top = nodes[0]
    assert "2019" in top.node.get_content()
    assert top.node.metadata["source"] == "000_b6104577f47c4be2.txt"
    assert top.node.metadata["locator"].startswith("¶")


def test_query_engine_uses_citebot_retrieval(seed_library: SearchIndex) -> None:
    engine = RetrieverQueryEngine.from_args(
        seed_library.as_retriever(top_k=2), llm=MockLLM(max_tokens=8)
    )
    response = engine.query("Who helped Zhidou restructure?")
    assert len(response.source_nodes) == 2
    assert all(n.node.metadata["source"].endswith(".txt") for n in response.source_nodes)


def test_chat_engine_gets_citebot_context(seed_library: SearchIndex) -> None:
    engine = CondensePlusContextChatEngine.from_defaults(
        seed_library.as_retriever(top_k=2), llm=MockLLM(max_tokens=8)
    )
    reply = engine.chat("Когда обанкротилась Zhidou?")
    assert reply.source_nodes
    assert "2019" in " ".join(n.node.get_content() for n in reply.source_nodes)
