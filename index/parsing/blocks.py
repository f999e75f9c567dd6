"""The structure every parser yields: headings, paragraphs, list items and table rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from index.types import CELL_SEP


class Kind(StrEnum):
    """What a block is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a list item
    ROW = "row"  # a table row, its cells already paired with the column headers


@dataclass(frozen=True)
class Block:
    """One structural unit of a document, in reading order.

    `level` is the heading level (1 = top); `page` the PDF page (None elsewhere); `table` and
    `row` number a table in the document and a data row in it (1-based)."""

    kind: Kind
    text: str
    level: int = 0
    page: int | None = None
    table: int = 0
    row: int = 0


_WS_RE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Whitespace collapsed to single spaces, trimmed."""
    return _WS_RE.sub(" ", text.replace("\x00", "")).strip()


def row_text(headers: list[str], cells: list[str]) -> str:
    """A table row as one line, every value labelled with its column header:
    `Plan: Business | Price: $19 per user / month`. Empty cells are left out."""
    parts = []
    for i, cell in enumerate(cells):
        value = clean(cell)
        if not value:
            continue
        head = clean(headers[i]) if i < len(headers) else ""
        parts.append(f"{head}: {value}" if head and head != value else value)
    return CELL_SEP.join(parts)


class TableRows:
    """Turns raw table rows (lists of cell texts) into ROW blocks; the first row with text is
    taken as the header row when the table has more than one row."""

    def __init__(self) -> None:
        self.count = 0  # tables seen in the document

    def blocks(self, rows: list[list[str]], page: int | None = None) -> list[Block]:
        """The ROW blocks of one table (none for an empty one)."""
        rows = [[clean(c) for c in r] for r in rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return []
        self.count += 1
        headers, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
        out = []
        for n, cells in enumerate(body, start=1):
            text = row_text(headers, cells)
            if text:
                out.append(Block(Kind.ROW, text, page=page, table=self.count, row=n))
        return out
