"""PDF through pdfplumber (pdfminer.six): text lines with their font sizes, tables as rows,
page by page. Lines in larger type than the body are headings (levels by size); a vertical gap
wider than the line spacing starts a new paragraph; running headers and footers (the same line,
numbers aside, at the top or bottom of most pages) and page numbers ("Page 2 of 3") are dropped."""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.errors import LoaderError
from index.parsing.blocks import Block, Kind, TableRows, clean

log = logging.getLogger(__name__)
_PAGE_NO_RE = re.compile(
    r"^\W*(?:(?:page|p\.|стр\.?|страница|с\.)\s*)?\d{1,4}(?:\s*(?:of|из|/)\s*\d{1,4})?\W*$",
    re.IGNORECASE,
)
_PAGE_TAIL_RE = re.compile(
    r"\W*(?:page|p\.|стр\.?|страница)\s*\d{1,4}(?:\s*(?:of|из|/)\s*\d{1,4})?\W*$", re.IGNORECASE
)
_MARGIN = 0.12  # top/bottom share of the page where running headers and footers live


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NO_RE.match(text))


def _lines(page: Any, tables: list[tuple[float, float, float, float]]) -> list[dict[str, Any]]:
    """Text lines outside the page's tables: text, top, bottom, size, bold."""
    out = []
    for line in page.extract_text_lines(return_chars=True):
        top, x0 = float(line["top"]), float(line["x0"])
        if any(b[1] - 1 <= top <= b[3] and b[0] - 1 <= x0 <= b[2] for b in tables):
            continue
        chars = line.get("chars") or []
        sizes = Counter(round(float(c.get("size", 0)), 1) for c in chars if c["text"].strip())
        size = sizes.most_common(1)[0][0] if sizes else 0.0
        bold = sum("bold" in str(c.get("fontname", "")).lower() for c in chars) > len(chars) / 2
        out.append({"text": clean(line["text"]), "top": top, "bottom": float(line["bottom"]),
                    "size": size, "bold": bold})
    return out


def _running(pages: list[tuple[float, list[dict[str, Any]]]]) -> set[str]:
    """Normalised lines found in the top or bottom margin of at least 60 % of the pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for height, lines in pages:
        marg = {_norm(ln["text"]) for ln in lines
                if ln["top"] < height * _MARGIN or ln["bottom"] > height * (1 - _MARGIN)}
        counts.update(marg)
    need = max(2, int(len(pages) * 0.6 + 0.5))
    return {text for text, n in counts.items() if n >= need}


def parse_pdf(path: Path) -> Iterator[Block]:
    """The blocks of a PDF, page by page."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many types on broken files
        raise LoaderError(f"unreadable PDF ({type(exc).__name__})") from exc
    with pdf:
        try:
            pages: list[tuple[float, list[dict[str, Any]]]] = []
            page_tables: list[list[tuple[float, list[list[str]]]]] = []
            for page in pdf.pages:
                found = page.find_tables()
                pages.append((float(page.height), _lines(page, [t.bbox for t in found])))
                page_tables.append([
                    (float(t.bbox[1]), [[c or "" for c in row] for row in t.extract()])
                    for t in found
                ])
                page.close()  # drop pdfplumber's per-page caches
        except LoaderError:
            raise
        except Exception as exc:
            raise LoaderError(f"unreadable PDF ({type(exc).__name__})") from exc
    yield from _blocks(pages, page_tables)


def _blocks(
    pages: list[tuple[float, list[dict[str, Any]]]],
    page_tables: list[list[tuple[float, list[list[str]]]]],
) -> Iterator[Block]:
    running = _running(pages)
    kept = [[ln for ln in lines if _norm(ln["text"]) not in running
             and not _is_page_number(ln["text"]) and ln["text"]] for _, lines in pages]
    for lines in kept:  # "… — Page 2 of 3" at a page's edge: keep the text, not the number
        for ln in lines:
            ln["text"] = _PAGE_TAIL_RE.sub("", ln["text"]) or ln["text"]
    sizes: Counter[float] = Counter()
    for lines in kept:
        sizes.update({ln["size"]: len(ln["text"]) for ln in lines})
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    head_sizes = sorted({ln["size"] for lines in kept for ln in lines if _heading_like(ln, body)},
                        reverse=True)
    level_of = {s: min(i + 1, 6) for i, s in enumerate(head_sizes)}
    tables = TableRows()
    for no, lines in enumerate(kept, start=1):
        gaps = [b["top"] - a["top"] for a, b in itertools.pairwise(lines)
                if a["size"] == b["size"] == body and b["top"] > a["top"]]
        # a new paragraph: a gap clearly wider than the line spacing (the smallest gap, or
        # 1.6 × the type size when every paragraph is one line)
        spacing = min([*gaps, body * 1.6])
        items: list[tuple[float, Any]] = [(t, ("table", rows)) for t, rows in page_tables[no - 1]]
        items += [(ln["top"], ("line", ln)) for ln in lines]
        items.sort(key=lambda x: x[0])
        para: list[str] = []
        head: list[str] = []
        head_level = 0
        last: dict[str, Any] | None = None
        for _, (what, obj) in items:
            if what == "table":
                yield from _flush(para, head, head_level, no)
                para, head, last = [], [], None
                yield from tables.blocks(obj, page=no)
                continue
            ln = obj
            level = level_of.get(ln["size"], 0) if _heading_like(ln, body) else 0
            if level:
                if para:
                    yield from _flush(para, [], 0, no)
                    para = []
                if head and level != head_level:
                    yield from _flush([], head, head_level, no)
                    head = []
                head.append(ln["text"])
                head_level = level
            else:
                if head:
                    yield from _flush([], head, head_level, no)
                    head = []
                new_para = last is None or last["size"] != ln["size"] or (
                    ln["top"] - last["top"] > spacing * 1.3)
                if new_para and para:
                    yield from _flush(para, [], 0, no)
                    para = []
                para.append(ln["text"])
            last = ln
        yield from _flush(para, head, head_level, no)


def _heading_like(line: dict[str, Any], body: float) -> bool:
    """Bold and larger than the body text, or much larger."""
    size = float(line["size"])
    return (bool(line["bold"]) and size > body * 1.05) or size >= body * 1.3


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return clean(out)


def _flush(para: list[str], head: list[str], level: int, page: int) -> Iterator[Block]:
    if head:
        yield Block(Kind.HEADING, _join(head), level=level, page=page)
    if para:
        yield Block(Kind.PARAGRAPH, _join(para), page=page)
