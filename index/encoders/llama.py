"""Any `Encoder` as a llama-index embedding model (queries and texts in their own roles)."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

from index.encoders.base import Encoder


class LlamaIndexEmbedding(BaseEmbedding):
    """Adapter: llama-index asks, the wrapped encoder embeds."""

    embed_batch_size: int = 64
    _encoder: Any = PrivateAttr(default=None)

    def __init__(self, encoder: Encoder, **kwargs: Any) -> None:
        super().__init__(model_name=encoder.description, **kwargs)
        self._encoder = encoder

    @classmethod
    def class_name(cls) -> str:
        return "CitebotEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._encoder.encode_queries([query])[0]]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._encoder.encode_passages([text])[0]]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._encoder.encode_passages(texts)]
