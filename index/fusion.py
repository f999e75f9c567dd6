"""Score-aware fusion of the dense and lexical evidence for every chunk.

All inputs are on absolute scales (cosines; coverage shares, about 0..1), not ranks, so a weak
lexical match cannot outvote a strong dense one, and the cross-lingual evidence (names, mapped
words) only speaks for the share of the query the corpus does not know (an English question over
Russian text).
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
        if "translated" in lexical:
            # weaker evidence than words matched as written: trusted only when most of the
            # query needs it, hence the square
            score = score + w.translated * (1.0 - known) ** 2 * np.asarray(lexical["translated"])
    return score
