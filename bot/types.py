"""Types that the answering service returns to its front ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.types import Passage


@dataclass(frozen=True)
class Citation:
    """A numbered reference from an answer to the passage that backs it."""

    n: int
    passage: Passage
    quote: str  # the exact text quoted (a sentence or the passage)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape used by `citebot ask --json`."""
        return {
            "n": self.n,
            "source": self.passage.source,
            "locator": self.passage.locator,
            "quote": self.quote,
            "score": round(float(self.passage.score), 4),
        }


@dataclass
class Answer:
    """The service's reply: text with `[n]` markers and the citations they point to."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    mode: str = "extractive"  # "extractive" | "llm" | "extractive-fallback"
    note: str | None = None  # e.g. why the LLM answer was replaced by the extractive one
    closest: list[Passage] = field(default_factory=list)  # shown on refusal
    latency_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The JSON shape used by `citebot ask --json`."""
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "note": self.note,
            "citations": [c.to_json() for c in self.citations],
            "latency_ms": round(self.latency_ms, 1),
        }
