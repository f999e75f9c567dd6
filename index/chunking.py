"""Structure-aware passages: blocks -> citable chunks that know their heading path and a locator
a person can follow (`§ 3.2 Sick leave, ¶2`, `p. 2, ¶3`, `p. 3, table 1, row 4`).

Paragraphs and list items of one section (and, in a PDF, one page) are grouped up to ~max_chars;
a chunk never crosses a heading or a page. A heading is never chunk text: it is the chunk's
`heading` (context for retrieval, shown in the locator). Every table row is its own chunk, whole,
its cells labelled with the column headers. Chunks are produced lazily, so a large file streams.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from index.parsing.blocks import Block, Kind
from index.text import sentence_spans, split_sentences
from index.types import HEADING_SEP, context_text, embed_text

__all__ = ["Chunk", "chunk_blocks", "sentence_spans", "split_sentences"]

_LOCATOR_HEADING = 60  # characters of the heading shown in a locator
_LIST_CHARS = 400
"""A short list joins its lead-in sentence ("Containers come in four colours:") as one sentence
of the passage: an item alone ("green — glass") is too short to answer, the lead-in alone
says nothing. Longer lists keep one sentence per item."""


@dataclass(frozen=True)
class Chunk:
    """A citable unit: paragraphs of one section, part of a long paragraph, or a table row."""

    id: str
    source: str
    text: str
    start: int
    end: int
    locator: str
    sentences: tuple[tuple[int, int], ...]  # relative to `text`
    position: int
    heading: str = ""  # "Handbook › 3 Leave › 3.2 Sick leave"

    @property
    def context(self) -> str:
        """What the lexical index holds (heading path, then the text)."""
        return context_text(self.heading, self.text)

    @property
    def embed_text(self) -> str:
        """What is embedded for retrieval (heading path, text, a table row's cells)."""
        return embed_text(self.heading, self.text, self.locator)


def _pieces(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentence-bounded spans of a long paragraph, each at most ~max_chars."""
    out: list[tuple[int, int]] = []
    cur_s: int | None = None
    cur_e = 0
    for s, e in split_sentences(text):
        if cur_s is not None and e - cur_s > max_chars:
            out.append((cur_s, cur_e))
            cur_s = None
        while e - s > max_chars and cur_s is None:  # one giant "sentence": cut at a space
            cut = text.rfind(" ", s, s + max_chars)
            cut = cut if cut > s else s + max_chars
            out.append((s, cut))
            s = cut + 1
        if cur_s is None:
            cur_s = s
        cur_e = e
    if cur_s is not None:
        out.append((cur_s, cur_e))
    return out


@dataclass
class _Piece:
    text: str
    start: int  # offset in the document's text
    para: int  # paragraph number within its section or page
    whole: bool  # a list item or table row: one sentence-unit


class _Chunker:
    def __init__(self, source: str, max_chars: int, min_chars: int) -> None:
        self.source = source
        self.max_chars = max_chars
        self.min_chars = min_chars
        self.headings: list[tuple[int, str]] = []  # (level, text) of the open sections
        self.page: int | None = None
        self.para = 0
        self.offset = 0
        self.position = 0
        self.pending: list[_Piece] = []

    @property
    def heading(self) -> str:
        return HEADING_SEP.join(text for _, text in self.headings)

    def _where(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"p. {self.page}")
        elif self.headings:
            title = self.headings[-1][1]
            if len(title) > _LOCATOR_HEADING:
                title = title[: _LOCATOR_HEADING - 1].rstrip() + "…"
            parts.append(f"§ {title}")
        return ", ".join(parts)

    def feed(self, block: Block) -> Iterator[Chunk]:
        start = self.offset
        self.offset += len(block.text) + 2
        if block.page != self.page:
            yield from self.flush()
            self.page, self.para = block.page, 0
        if block.kind is Kind.HEADING:
            yield from self.flush()
            level = max(1, block.level)
            while self.headings and self.headings[-1][0] >= level:
                self.headings.pop()
            self.headings.append((level, block.text))
            if self.page is None:  # paragraphs count per section, or per page in a PDF
                self.para = 0
            return
        if block.kind is Kind.ROW:
            yield from self.flush()
            where = self._where()
            locator = f"{where}, table {block.table}, row {block.row}".lstrip(", ")
            yield self._chunk([_Piece(block.text, start, 0, True)], locator)
            return
        self.para += 1
        if block.kind is Kind.ITEM or len(block.text) <= self.max_chars:
            spans = [(0, len(block.text))]
        else:
            spans = _pieces(block.text, self.max_chars)
        for s, e in spans:
            piece = _Piece(block.text[s:e], start + s, self.para, block.kind is Kind.ITEM)
            size = sum(len(p.text) + 2 for p in self.pending)
            if self.pending and size + len(piece.text) > self.max_chars:
                yield from self.flush()
            self.pending.append(piece)
            if size + len(piece.text) >= self.min_chars:
                yield from self.flush()

    def flush(self) -> Iterator[Chunk]:
        if not self.pending:
            return
        pieces, self.pending = self.pending, []
        p1, p2 = pieces[0].para, pieces[-1].para
        para = f"¶{p1}" if p1 == p2 else f"¶{p1}–{p2}"
        where = self._where()
        yield self._chunk(pieces, f"{where}, {para}" if where else para)

    def _chunk(self, pieces: list[_Piece], locator: str) -> Chunk:
        body = "\n\n".join(p.text for p in pieces)
        sentences: list[tuple[int, int]] = []
        pos = 0
        lead = -1  # index in `sentences` of a lead-in ("four colours:") its items may join
        for p in pieces:
            if p.whole and lead >= 0 and pos + len(p.text) - sentences[lead][0] <= _LIST_CHARS:
                sentences[lead:] = [(sentences[lead][0], pos + len(p.text))]
            else:
                spans = [(0, len(p.text))] if p.whole else split_sentences(p.text)
                sentences += [(pos + a, pos + b) for a, b in spans]
                ends_lead_in = not p.whole and p.text.rstrip().endswith(":")
                lead = len(sentences) - 1 if ends_lead_in else -1
            pos += len(p.text) + 2
        heading = self.heading
        key = f"{self.source}\x00{self.position}\x00{heading}\x00{body}"
        digest = hashlib.sha1(key.encode()).hexdigest()[:20]
        chunk = Chunk(
            id=f"c_{digest}",
            source=self.source,
            text=body,
            start=pieces[0].start,
            end=pieces[-1].start + len(pieces[-1].text),
            locator=locator,
            sentences=tuple(sentences),
            position=self.position,
            heading=heading,
        )
        self.position += 1
        return chunk


def chunk_blocks(
    blocks: Iterable[Block], source: str, max_chars: int = 1000, min_chars: int = 200
) -> Iterator[Chunk]:
    """The chunks of a document's blocks, in order (lazily)."""
    chunker = _Chunker(source, max_chars, min_chars)
    for block in blocks:
        yield from chunker.feed(block)
    yield from chunker.flush()
