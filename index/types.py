"""Types that `index/` hands to the rest of citebot."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Passage:
    """A citable piece of a source: what retrieval returns."""

    id: str
    text: str
    source: str  # path relative to the sources folder, e.g. "000_b6104577f47c4be2.txt"
    locator: str  # human locator: "¶3", "§ 3.2 Sick leave, ¶2", "p. 2, ¶1", "p. 3, table 1, row 4"
    start: int  # character offset of `text` in the document's extracted text
    end: int
    score: float = 0.0
    sentences: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    """Sentence spans relative to `text` (start, end), for extractive answers."""
    heading: str = ""
    """The heading path of the section it is in ("Handbook › 3 Leave › 3.2 Sick leave"): context
    for retrieval and readers, never part of `text` (a heading alone is no answer)."""

    @property
    def context(self) -> str:
        """What retrieval embeds and indexes: the heading path, then the text."""
        return f"{self.heading}\n\n{self.text}" if self.heading else self.text

    def with_score(self, score: float) -> Passage:
        """A copy with another retrieval score."""
        return replace(self, score=score)


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    rebuilt: bool = False

    @property
    def changed(self) -> bool:
        """True if the index content changed."""
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class IndexStats:
    """A summary of the index for `citebot stats` and the bot's /start."""

    documents: int
    chunks: int
    location: str
    embedding_model: str
    sources: tuple[str, ...] = ()
