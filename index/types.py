"""Types that `index/` hands to the rest of citebot."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

HEADING_SEP = " › "  # between the parts of a heading path
CELL_SEP = " | "  # between the labelled cells of a table row
_ROW_LOCATOR_RE = re.compile(r"\btable \d+, row \d+$")


def context_text(heading: str, text: str) -> str:
    """A passage's text with its heading path as a first paragraph (for retrieval only)."""
    return f"{heading}\n\n{text}" if heading else text


def is_row(locator: str) -> bool:
    """True for a table row's passage (its locator ends "table N, row M")."""
    return bool(_ROW_LOCATOR_RE.search(locator))


def row_parts(text: str) -> tuple[str, str]:
    """A table row's key (its first cell's value: what the row is about) and its column
    headers, from "Model: Fold | Price: €1,290 | Weight: 16.8 kg" -> ("Fold", "Price Weight")."""
    cells = text.split(CELL_SEP)
    key = cells[0].split(": ", 1)[-1]
    heads = [c.split(": ", 1)[0] for c in cells[1:] if ": " in c]
    return key, " ".join(heads)


def embed_text(heading: str, text: str, locator: str) -> str:
    """`context_text`, and for a table row ("Model: Fold | Price: €1,290 | Weight: 16.8 kg") one
    more paragraph per cell naming the row ("Fold — Price: €1,290."): a whole row embeds as a
    blur of all its columns, one cell with its row key is what a question about it looks like."""
    context = context_text(heading, text)
    if not is_row(locator):
        return context
    cells = text.split(CELL_SEP)
    key = row_parts(text)[0]
    extra = [f"{key} — {cell}." for cell in cells[1:]]
    return "\n\n".join([context, *extra])


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
        """What the lexical index holds: the heading path, then the text."""
        return context_text(self.heading, self.text)

    @property
    def embed_text(self) -> str:
        """What is embedded: `context`, plus a table row's cells one by one (see `embed_text`)."""
        return embed_text(self.heading, self.text, self.locator)

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


@dataclass(frozen=True)
class DocumentEntry:
    """One indexed document, for `citebot sources`."""

    path: str  # absolute path of the file
    source: str  # display name
    format: str  # "markdown", "pdf", ...
    passages: int
    indexed_at: float  # epoch seconds (0: before this was recorded)
    complete: bool = True  # False: an interrupted ingest left part of it (the next one redoes it)
