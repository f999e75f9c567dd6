"""HTML: the main content through trafilatura (navigation, cookie banners, newsletter boxes and
footers dropped; headings, paragraphs, lists and tables with their header cells kept), walked as
its XML. Pages trafilatura finds no main content in fall back to a plain BeautifulSoup walk."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from lxml import etree

from index.parsing.blocks import Block, Kind, TableRows, clean

log = logging.getLogger(__name__)
_SKIP_TAGS = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form"]


def _text(el: etree._Element) -> str:
    return clean("".join(el.itertext()))


def _walk(el: etree._Element, tables: TableRows, in_list: bool = False) -> Iterator[Block]:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "head":
            rend = str(child.get("rend") or "h2")
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
            if text := _text(child):
                yield Block(Kind.HEADING, text, level=level)
        elif tag == "table":
            rows = [[_text(c) for c in r.iter("cell")] for r in child.iter("row")]
            yield from tables.blocks(rows)
        elif tag == "list":
            yield from _walk(child, tables, in_list=True)
        elif tag == "item":
            nested = child.find("list") is not None
            if nested:
                own = clean(child.text or "")
                if own:
                    yield Block(Kind.ITEM, own)
                yield from _walk(child, tables, in_list=True)
            elif text := _text(child):
                yield Block(Kind.ITEM, text)
        elif tag in {"p", "quote", "code"}:
            if text := _text(child):
                yield Block(Kind.ITEM if in_list else Kind.PARAGRAPH, text)
        elif len(child):
            yield from _walk(child, tables, in_list)
        elif text := _text(child):
            yield Block(Kind.PARAGRAPH, text)


def _fallback(data: bytes) -> Iterator[Block]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    for tag in soup(_SKIP_TAGS):
        tag.decompose()
    tables = TableRows()
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "pre"]):
        if el.find_parent("table") is not None:
            continue
        if el.name == "table":
            rows = [[c.get_text(" ") for c in tr.find_all(["th", "td"])]
                    for tr in el.find_all("tr")]
            yield from tables.blocks(rows)
        elif el.name in {"p", "li", "pre"} and el.find(["p", "li"]):
            continue
        elif text := clean(el.get_text(" ")):
            if el.name[0] == "h":
                yield Block(Kind.HEADING, text, level=int(el.name[1]))
            else:
                yield Block(Kind.ITEM if el.name == "li" else Kind.PARAGRAPH, text)


def parse_html(data: bytes) -> Iterator[Block]:
    """The blocks of an HTML page's main content."""
    import trafilatura

    xml = None
    try:
        xml = trafilatura.extract(
            data, output_format="xml", include_tables=True, include_comments=False,
            include_formatting=False, include_links=False, include_images=False,
            favor_recall=True, deduplicate=False,
        )
    except Exception as exc:  # trafilatura fails on odd markup: use the plain walk
        log.info("trafilatura could not read the page (%s); plain extraction", exc)
    if xml:
        root = etree.fromstring(xml.encode("utf-8"))
        main = root.find("main")
        blocks = list(_walk(main if main is not None else root, TableRows()))
        if blocks:
            yield from blocks
            return
    yield from _fallback(data)
