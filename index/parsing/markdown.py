"""Markdown through markdown-it-py (CommonMark plus tables): headings with their level,
paragraphs, list items and table rows; code blocks are kept as paragraphs."""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.parsing.blocks import Block, Kind, TableRows, clean


def _inline_text(token: Token) -> str:
    """The visible text of an inline token (markup, links and images' URLs dropped)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return clean("".join(parts))


def parse_markdown(text: str) -> Iterator[Block]:
    """The blocks of a Markdown document, in order."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables = TableRows()
    list_depth = 0
    heading_level = 0
    in_table = False
    row: list[str] = []
    rows: list[list[str]] = []
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading_level = int(tok.tag[1:])
        elif t == "heading_close":
            heading_level = 0
        elif t in {"bullet_list_open", "ordered_list_open"}:
            list_depth += 1
        elif t in {"bullet_list_close", "ordered_list_close"}:
            list_depth -= 1
        elif t == "table_open":
            in_table, rows = True, []
        elif t == "table_close":
            in_table = False
            yield from tables.blocks(rows)
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            rows.append(row)
        elif t == "inline":
            content = _inline_text(tok)
            if in_table:
                row.append(content)
            elif not content:
                continue
            elif heading_level:
                yield Block(Kind.HEADING, content, level=heading_level)
            else:
                yield Block(Kind.ITEM if list_depth else Kind.PARAGRAPH, content)
        elif t in {"fence", "code_block"} and tok.content.strip():
            yield Block(Kind.PARAGRAPH, tok.content.strip())
