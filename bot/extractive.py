"""Offline extractive answers: the best one to three source sentences, each cited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.types import Answer, Citation
from index.lexical import tokenize
from index.types import Passage

Encoder = Callable[[list[str]], np.ndarray]

REFUSAL = "The sources don't answer this."


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    text: str
    score: float


class ExtractiveResponder:
    """Picks answer sentences by question similarity, passage rank and shared words."""

    def __init__(
        self,
        encode: Encoder,
        *,
        min_passage_score: float = 0.25,
        max_chars: int = 400,
        passages_considered: int = 3,
    ) -> None:
        self.encode = encode
        self.min_passage_score = min_passage_score
        self.max_chars = max_chars
        self.passages_considered = passages_considered

    def respond(self, question: str, passages: list[Passage]) -> Answer:
        """An extractive, cited answer or a refusal showing the closest passages."""
        if not passages or passages[0].score < self.min_passage_score:
            return Answer(question=question, text=REFUSAL, refused=True, closest=passages[:3])
        candidates = self._candidates(question, passages[: self.passages_considered])
        chosen = self._select(candidates)
        citations: list[Citation] = []
        parts: list[str] = []
        for cand in chosen:
            n = len(citations) + 1
            citations.append(Citation(n=n, passage=cand.passage, quote=cand.text))
            parts.append(f"{cand.text} [{n}]")
        return Answer(question=question, text=" ".join(parts), citations=citations)

    def _candidates(self, question: str, passages: list[Passage]) -> list[_Candidate]:
        sentences: list[tuple[Passage, str]] = []
        for p in passages:
            spans = p.sentences or ((0, len(p.text)),)
            sentences += [(p, p.text[s:e]) for s, e in spans]
        vectors = self.encode([question] + [t for _, t in sentences])
        sims = vectors[1:] @ vectors[0]
        q_tokens = set(tokenize(question))
        out = []
        for (p, text), sim in zip(sentences, sims, strict=True):
            overlap = len(q_tokens & set(tokenize(text))) / max(1, len(q_tokens))
            out.append(_Candidate(p, text, 0.5 * float(sim) + 0.3 * p.score + 0.4 * overlap))
        return sorted(out, key=lambda c: -c.score)

    def _select(self, candidates: list[_Candidate]) -> list[_Candidate]:
        chosen = [candidates[0]]
        used = len(candidates[0].text)
        for cand in candidates[1:3]:
            if cand.score < 0.9 * chosen[0].score or used + len(cand.text) > self.max_chars:
                break
            chosen.append(cand)
            used += len(cand.text)
        return chosen
