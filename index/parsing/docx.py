"""DOCX through python-docx, walking the body in order: Word headings (Title = level 1,
Heading N = level N + 1), paragraphs, list paragraphs and tables where they stand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from index.errors import LoaderError
from index.parsing.blocks import Block, Kind, TableRows, clean

_HEADING_RE = re.compile(r"^(?:heading|заголовок)\s*(\d)$", re.IGNORECASE)


def _style_name(paragraph: object) -> str:
    try:
        return str(paragraph.style.name or "")  # type: ignore[attr-defined]
    except (AttributeError, KeyError, ValueError):
        return ""


def _is_list(paragraph: object, style: str) -> bool:
    if style.lower().startswith(("list", "список")):
        return True
    ppr = paragraph._p.pPr  # type: ignore[attr-defined]
    return ppr is not None and ppr.numPr is not None


def parse_docx(path: Path) -> Iterator[Block]:
    """The blocks of a Word document, in body order."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoaderError(f"unreadable DOCX ({type(exc).__name__})") from exc
    tables = TableRows()
    has_title = any(_style_name(p) == "Title" for p in document.paragraphs)
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = []
            for row in item.rows:
                cells: list[str] = []
                last = None
                for cell in row.cells:  # merged cells repeat: keep one
                    if cell._tc is not last:
                        cells.append(cell.text)
                    last = cell._tc
                rows.append(cells)
            yield from tables.blocks(rows)
            continue
        text = clean(item.text)
        if not text:
            continue
        style = _style_name(item)
        match = _HEADING_RE.match(style)
        if style == "Title":
            yield Block(Kind.HEADING, text, level=1)
        elif match:
            yield Block(Kind.HEADING, text, level=int(match.group(1)) + int(has_title))
        elif _is_list(item, style):
            yield Block(Kind.ITEM, text)
        else:
            yield Block(Kind.PARAGRAPH, text)
