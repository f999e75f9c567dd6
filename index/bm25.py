"""One BM25 field as postings arrays (numpy only), updated by keep-mask plus new documents."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np


@dataclass
class Bm25Field:
    """One BM25 field as postings sorted by term: parallel arrays term/doc/tf."""

    vocab: dict[str, int]
    term: np.ndarray  # int32, sorted
    doc: np.ndarray  # int32
    tf: np.ndarray  # float32
    n_docs: int
    k1: float = 1.5
    b: float = 0.75

    @classmethod
    def empty(cls) -> Bm25Field:
        z = np.zeros(0, dtype=np.int32)
        return cls({}, z, z.copy(), np.zeros(0, dtype=np.float32), 0)

    def __post_init__(self) -> None:
        self.ptr = np.searchsorted(self.term, np.arange(len(self.vocab) + 1)).astype(np.int64)
        self.doc_len = np.bincount(self.doc, weights=self.tf, minlength=self.n_docs)
        self.avg_len = float(self.doc_len.mean()) if self.n_docs else 1.0
        self.df = np.diff(self.ptr)

    def idf(self, df: np.ndarray | float) -> np.ndarray:
        """Lucene's non-negative BM25 idf."""
        return np.log1p((self.n_docs - np.asarray(df) + 0.5) / (np.asarray(df) + 0.5))

    def coverage(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every doc over the query's idf mass (unknown query tokens count fully)."""
        out = np.zeros(self.n_docs, dtype=np.float64)
        if not tokens or not self.n_docs:
            return out
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / max(self.avg_len, 1e-9))
        mass = 0.0
        for tok, qtf in Counter(tokens).items():
            t = self.vocab.get(tok)
            df = self.df[t] if t is not None else 0
            w = float(self.idf(df)) * qtf
            mass += w
            if t is None or df == 0:
                continue
            lo, hi = self.ptr[t], self.ptr[t + 1]
            docs, tf = self.doc[lo:hi], self.tf[lo:hi]
            out[docs] += w * tf * (self.k1 + 1) / (tf + norm[docs])
        return out / mass if mass > 0 else out

    def known_share(self, tokens: list[str]) -> float:
        """Share of the query's idf mass that occurs in the corpus (0 = nothing to say)."""
        if not tokens or not self.n_docs:
            return 0.0
        ws = [(float(self.idf(self._df(t))), self._df(t) > 0) for t in tokens]
        total = sum(w for w, _ in ws)
        return sum(w for w, known in ws if known) / total if total else 0.0

    def _df(self, tok: str) -> int:
        t = self.vocab.get(tok)
        return int(self.df[t]) if t is not None else 0

    def presence(self, weights: dict[str, float]) -> np.ndarray:
        """Sum of the given term weights over the terms each doc contains."""
        out = np.zeros(self.n_docs, dtype=np.float64)
        for tok, w in weights.items():
            t = self.vocab.get(tok)
            if t is not None:
                out[self.doc[self.ptr[t] : self.ptr[t + 1]]] += w
        return out

    def updated(self, keep: np.ndarray, new_bags: list[Counter[str]]) -> Bm25Field:
        """A new field keeping the docs where `keep` is True (renumbered) plus `new_bags`."""
        remap = np.cumsum(keep) - 1
        mask = keep[self.doc] if len(self.doc) else np.zeros(0, dtype=bool)
        terms, docs, tfs = [self.term[mask]], [remap[self.doc[mask]]], [self.tf[mask]]
        vocab = dict(self.vocab)
        base = int(keep.sum())
        rows: list[tuple[int, int, int]] = []
        for i, bag in enumerate(new_bags):
            for tok, n in bag.items():
                rows.append((vocab.setdefault(tok, len(vocab)), base + i, n))
        if rows:
            arr = np.asarray(rows, dtype=np.int64)
            terms.append(arr[:, 0])
            docs.append(arr[:, 1])
            tfs.append(arr[:, 2])
        term = np.concatenate(terms).astype(np.int32)
        order = np.argsort(term, kind="stable")
        return Bm25Field(
            vocab,
            term[order],
            np.concatenate(docs).astype(np.int32)[order],
            np.concatenate(tfs).astype(np.float32)[order],
            base + len(new_bags),
            self.k1,
            self.b,
        )
