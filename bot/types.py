"""Types that the answering service returns to its front ends."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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

    def to_state(self) -> dict[str, Any]:
        """A JSON-able snapshot (with the full passages), for conversation memory."""
        return {
            "question": self.question,
            "text": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "note": self.note,
            "latency_ms": self.latency_ms,
            "citations": [
                {"n": c.n, "quote": c.quote, "passage": asdict(c.passage)} for c in self.citations
            ],
            "closest": [asdict(p) for p in self.closest],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Answer:
        """Rebuild an answer saved by `to_state`."""
        return cls(
            question=state["question"],
            text=state["text"],
            refused=bool(state.get("refused")),
            mode=state.get("mode", "extractive"),
            note=state.get("note"),
            latency_ms=float(state.get("latency_ms", 0.0)),
            citations=[
                Citation(int(c["n"]), _passage(c["passage"]), c["quote"])
                for c in state.get("citations", [])
            ],
            closest=[_passage(p) for p in state.get("closest", [])],
        )


def _passage(data: dict[str, Any]) -> Passage:
    fields = dict(data)
    fields["sentences"] = tuple(tuple(span) for span in fields.get("sentences", ()))
    return Passage(**fields)
