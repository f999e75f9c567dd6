"""Hybrid retrieval: dense (the configured encoder in Chroma at passage level, sentence vectors
beside it) plus lexical (BM25 fields), fused score-aware into one ranking of citable passages."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from index.fusion import FusionWeights, Spread, fuse
from index.lexical import LexicalIndex
from index.types import Passage
from index.wordmap import WordMapper

DenseSearch = Callable[[np.ndarray, int], list[tuple[str, float]]]
QueryVectors = Callable[[str], tuple[np.ndarray, np.ndarray]]
"""A query's vector for passages and for sentences (the same when one encoder does both)."""


class HybridRetriever:
    """Ranks chunks by fused dense + lexical evidence.

    `lexical.ids` fixes the chunk order; `sentence_vectors` holds every chunk's sentence vectors
    in that order, chunk i owning rows `first[i]:first[i + 1]`; `context_rows` marks the rows
    of heading paths, which never count as a chunk's best sentence. Chroma gives the passage-level
    cosines of the nearest `candidates` chunks; the rest get the lowest of those (a floor).
    `sentence_passages` (the `usem3+e5-small` index): every chunk's passage vector by the sentence
    encoder; a chunk's passage score is then the mean of both encoders' cosines, in usem3 units
    (parameter-free: no weight is refitted; bench/results/retrieval.md)."""

    def __init__(
        self,
        query_vectors: QueryVectors,
        dense_search: DenseSearch,
        lexical: LexicalIndex,
        passages: dict[str, Passage],
        sentence_vectors: np.ndarray,
        first: np.ndarray,
        *,
        weights: FusionWeights | None = None,
        candidates: int = 50,
        mapper: WordMapper | None = None,
        units: tuple[Spread | None, Spread | None] = (None, None),
        context_rows: tuple[np.ndarray, np.ndarray] | None = None,
        sentence_passages: np.ndarray | None = None,
    ) -> None:
        self.query_vectors = query_vectors
        self.dense_search = dense_search
        self.lexical = lexical
        self.ids = lexical.ids
        self.passages = [passages[i] for i in self.ids]
        self.index = {cid: n for n, cid in enumerate(self.ids)}
        self.sentence_vectors = sentence_vectors
        self.first = first[:-1] if len(first) else first
        self.weights = weights or FusionWeights()
        self.candidates = candidates
        self.mapper = mapper
        self.units = units  # (passage, sentence) cosines into usem3 units; None = already
        # sentence rows of a heading path: context, not a chunk's best sentence
        self.context_rows = context_rows
        self.sentence_passages = sentence_passages

    def retrieve(self, query: str, k: int) -> list[Passage]:
        """The `k` best passages for `query`, best first, each with its fused score."""
        if not self.ids or k <= 0:
            return []
        qv, sv = self.query_vectors(query)
        scores = self.score_all(query, qv, sv)
        top = np.argsort(-scores, kind="stable")[:k]
        return [self.passages[i].with_score(float(scores[i])) for i in top]

    def _best_sentence(self, cos: np.ndarray) -> np.ndarray:
        """Per chunk, the cosine of its best sentence; a heading path is context, not a sentence
        of its own: one closer to the query than the best sentence lifts it half-way."""
        if self.context_rows is None or not len(cos) or not self.context_rows[0].any():
            return np.maximum.reduceat(cos, self.first) if len(cos) else cos
        rows, sections = self.context_rows
        best = np.maximum.reduceat(np.where(rows, -1.0, cos), self.first)
        heading = np.maximum.reduceat(np.where(sections, cos, -1.0), self.first)
        return best + np.maximum(0.0, heading - best) / 2

    def score_all(self, query: str, qv: np.ndarray, sv: np.ndarray | None = None) -> np.ndarray:
        """The fused score of every chunk (aligned with `ids`); `qv` is the query's passage
        vector, `sv` its sentence vector (default `qv`)."""
        n = len(self.ids)
        hits = [(self.index[cid], cos) for cid, cos in self.dense_search(qv, self.candidates)
                if cid in self.index]
        sv = qv if sv is None else sv
        sentence_cos = self._best_sentence(self.sentence_vectors @ sv)
        floor = min((c for _, c in hits), default=0.0)  # nothing outside the top is closer
        passage_cos = np.full(n, floor, dtype=np.float64)
        for i, cos in hits:
            passage_cos[i] = cos
        to_passage, to_sentence = self.units
        if to_passage is not None and hits:
            passage_cos = to_passage(passage_cos, np.array([c for _, c in hits]))
        if self.sentence_passages is not None and n:
            passage_cos = (passage_cos + self.sentence_passages @ sv) / 2
        if to_sentence is not None and len(sentence_cos):
            sentence_cos = to_sentence(sentence_cos)
        mapped = self.mapper.mapped_stems(query) if self.mapper is not None else []
        lexical = self.lexical.scores(query, mapped)
        if self.mapper is not None:
            lexical["translated"] = self.lexical.fields["words"].coverage(mapped) if mapped \
                else np.zeros(n)
        return fuse(passage_cos, sentence_cos, lexical, self.weights)
