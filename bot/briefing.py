"""Briefings: a cited digest of the sources (or of what matches a topic).

Offline the digest is extractive: sentences that are central (close to the centroid of the
material, and to the topic when there is one) and diverse (maximal marginal relevance, with a
preference for passages not yet used), so that distinct stories each get a point. With an LLM,
the same passages are summarised by the model and the reply is citation-checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.extractive import Encoder, passage_sentences
from bot.types import Answer, Citation
from index.text import content_stems, is_russian
from index.types import Passage

MIN_CHARS = 40
MAX_SENTENCE_CHARS = 350
TOPIC_BAND = 0.15  # with a topic, sentences this close to the most on-topic one (or naming it)


@dataclass(frozen=True)
class _Sentence:
    passage: Passage
    text: str
    order: tuple[str, int, int]  # source, passage start, sentence index


class Briefer:
    """Selects central, diverse sentences into a cited list of key points."""

    def __init__(
        self,
        encode: Encoder,
        *,
        max_chars: int = 1500,
        max_points: int = 8,
        diversity: float = 0.45,
    ) -> None:
        self.encode = encode
        self.max_chars = max_chars
        self.max_points = max_points
        self.diversity = diversity

    def _sentences(self, passages: list[Passage]) -> list[_Sentence]:
        out = []
        seen: set[str] = set()
        for p in passages:
            for i, text in enumerate(passage_sentences(p)):
                if len(text) < MIN_CHARS or text in seen:
                    continue
                seen.add(text)
                if len(text) > MAX_SENTENCE_CHARS:
                    text = text[: MAX_SENTENCE_CHARS - 1].rstrip() + "…"
                out.append(_Sentence(p, text, (p.source, p.start, i)))
        return out

    def pick(self, topic: str | None, passages: list[Passage]) -> list[_Sentence]:
        """Central and diverse sentences within the length budget."""
        sents = self._sentences(passages)
        if not sents:
            return []
        vecs = self.encode([s.text for s in sents])
        centroid = vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        relevance = vecs @ centroid
        allowed = np.ones(len(sents), dtype=bool)
        if topic:
            on_topic = vecs @ self.encode([topic])[0]
            relevance = 0.4 * relevance + 0.6 * on_topic
            terms = set(content_stems(topic))
            named = np.array([bool(terms & set(content_stems(s.text))) for s in sents])
            allowed = named | (on_topic >= on_topic.max() - TOPIC_BAND)
        chosen: list[int] = []
        used_passages: set[str] = set()
        budget = self.max_chars
        while len(chosen) < min(self.max_points, len(sents)):
            best, best_score = -1, -np.inf
            for i, s in enumerate(sents):
                if i in chosen or not allowed[i] or len(s.text) + 6 > budget:
                    continue
                redundancy = max((float(vecs[i] @ vecs[j]) for j in chosen), default=0.0)
                score = (1 - self.diversity) * relevance[i] - self.diversity * redundancy
                if s.passage.id in used_passages:
                    score -= 0.1
                if score > best_score:
                    best, best_score = i, score
            if best < 0:
                break
            chosen.append(best)
            used_passages.add(sents[best].passage.id)
            budget -= len(sents[best].text) + 6
        return sorted((sents[i] for i in chosen), key=lambda s: s.order)

    def brief(self, topic: str | None, passages: list[Passage]) -> Answer:
        """The extractive briefing as an `Answer` (refused when there is nothing to brief)."""
        question = f"brief: {topic}" if topic else "brief"
        picked = self.pick(topic, passages)
        if not picked:
            text = (
                "Нет материалов для сводки."
                if topic and is_russian(topic)
                else ("The sources hold nothing to brief on.")
            )
            return Answer(question=question, text=text, refused=True, closest=tuple(passages[:3]))
        citations: list[Citation] = []
        lines = []
        for s in picked:
            citations.append(Citation(len(citations) + 1, s.passage, s.text))
            lines.append(f"• {s.text} [{len(citations)}]")
        return Answer(question=question, text="\n".join(lines), citations=tuple(citations))

    def passages_for_llm(
        self, topic: str | None, passages: list[Passage], n: int = 10
    ) -> list[Passage]:
        """The passages to give the model: those holding the picked sentences, then others."""
        picked = self.pick(topic, passages)
        out: list[Passage] = []
        for p in [s.passage for s in picked] + passages:
            if p.id not in {q.id for q in out}:
                out.append(p)
        return out[:n]
