"""Sentence-aware chunking that keeps character offsets and a human locator."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from index.loaders import LoadedDocument
from index.text import sentence_spans, split_sentences
from index.text.sentences import PARAGRAPH_BREAK

__all__ = ["Chunk", "chunk_document", "sentence_spans", "split_sentences"]

_PARA_RE = PARAGRAPH_BREAK


@dataclass(frozen=True)
class Chunk:
    """A citable unit: one paragraph or a sentence-bounded part of one."""

    id: str
    source: str
    text: str
    start: int
    end: int
    locator: str
    sentences: tuple[tuple[int, int], ...]  # relative to `text`
    position: int


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for m in _PARA_RE.finditer(text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def _pieces(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Split a long paragraph into sentence-bounded pieces of at most ~max_chars."""
    sents = [(start + s, start + e) for s, e in split_sentences(text[start:end])]
    cur_s: int | None = None
    cur_e = start
    for s, e in sents:
        if cur_s is not None and e - cur_s > max_chars:
            yield cur_s, cur_e
            cur_s = None
        while e - s > max_chars and cur_s is None:  # one giant "sentence": hard split at a space
            cut = text.rfind(" ", s, s + max_chars)
            cut = cut if cut > s else s + max_chars
            yield s, cut
            s = cut + 1
        if cur_s is None:
            cur_s = s
        cur_e = e
    if cur_s is not None:
        yield cur_s, cur_e


def _page_of(pages: list[tuple[int, int, int]], offset: int) -> int | None:
    for s, e, no in pages:
        if s <= offset < e + 2:
            return no
    return None


def chunk_document(doc: LoadedDocument, max_chars: int = 1000, min_chars: int = 200) -> list[Chunk]:
    """Split a document into paragraph-sized chunks (short ones merged forward)."""
    text = doc.text
    paras = []
    for s, e in _paragraphs(text):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            paras.append((s, e))
    groups: list[list[tuple[int, int, int]]] = []  # each chunk: its (start, end, para_no) pieces
    pending: list[tuple[int, int, int]] = []
    page, no = None, 0
    for s, e in paras:
        para_page = _page_of(doc.pages, s) if doc.pages else None
        if para_page != page:  # PDF: chunks never span pages; paragraphs count per page
            if pending:
                groups.append(pending)
                pending = []
            page, no = para_page, 0
        no += 1
        for ps, pe in _pieces(text, s, e, max_chars):
            if pending and pe - pending[0][0] > max_chars:
                groups.append(pending)
                pending = []
            pending.append((ps, pe, no))
            if pe - pending[0][0] >= min_chars:
                groups.append(pending)
                pending = []
    if pending:
        groups.append(pending)
    chunks = []
    for position, pieces in enumerate(groups):
        s, e = pieces[0][0], pieces[-1][1]
        p1, p2 = pieces[0][2], pieces[-1][2]
        body = text[s:e]
        sentences = tuple(
            (ps - s + a, ps - s + b)
            for ps, pe, _ in pieces
            for a, b in split_sentences(text[ps:pe])
        )
        para = f"¶{p1}" if p1 == p2 else f"¶{p1}–{p2}"
        page = _page_of(doc.pages, s) if doc.pages else None
        locator = f"p. {page}, {para}" if page else para
        digest = hashlib.sha1(f"{doc.source}\x00{position}\x00{body}".encode()).hexdigest()[:20]
        chunks.append(
            Chunk(
                id=f"c_{digest}",
                source=doc.source,
                text=body,
                start=s,
                end=e,
                locator=locator,
                sentences=sentences,
                position=position,
            )
        )
    return chunks
