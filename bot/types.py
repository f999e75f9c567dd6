"""Types that the answering service returns to its front ends."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
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


class AnswerMode(StrEnum):
    """How an answer was written."""

    EXTRACTIVE = "extractive"  # source sentences picked offline
    LLM = "llm"  # written by the language model, claims checked
    FALLBACK = "extractive-fallback"  # the model failed or was unusable: the offline answer


@dataclass(frozen=True)
class Answer:
    """The service's reply: text with `[n]` markers and the citations they point to. Frozen:
    build a changed copy with `dataclasses.replace`."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    note: str | None = None  # e.g. what was removed, or why the offline answer is shown
    closest: tuple[Passage, ...] = ()  # shown on refusal
    latency_ms: float = 0.0
    dropped_claims: tuple[str, ...] = ()  # statements removed as unsupported by the sources

    def __post_init__(self) -> None:
        object.__setattr__(self, "citations", tuple(self.citations))
        object.__setattr__(self, "closest", tuple(self.closest))
        object.__setattr__(self, "dropped_claims", tuple(self.dropped_claims))
        object.__setattr__(self, "mode", AnswerMode(self.mode))

    def to_json(self) -> dict[str, Any]:
        """The JSON shape used by `citebot ask --json`."""
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode.value,
            "note": self.note,
            "dropped_claims": list(self.dropped_claims),
            "citations": [c.to_json() for c in self.citations],
            "latency_ms": round(self.latency_ms, 1),
        }

    def to_state(self) -> dict[str, Any]:
        """A JSON-able snapshot (with the full passages), for conversation memory."""
        return {
            "question": self.question,
            "text": self.text,
            "refused": self.refused,
            "mode": self.mode.value,
            "note": self.note,
            "latency_ms": self.latency_ms,
            "dropped_claims": list(self.dropped_claims),
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
            mode=AnswerMode(state.get("mode", "extractive")),
            dropped_claims=tuple(state.get("dropped_claims", ())),
            note=state.get("note"),
            latency_ms=float(state.get("latency_ms", 0.0)),
            citations=tuple(
                Citation(int(c["n"]), _passage(c["passage"]), c["quote"])
                for c in state.get("citations", [])
            ),
            closest=tuple(_passage(p) for p in state.get("closest", [])),
        )


def _passage(data: dict[str, Any]) -> Passage:
    fields = dict(data)
    fields["sentences"] = tuple(tuple(span) for span in fields.get("sentences", ()))
    return Passage(**fields)
