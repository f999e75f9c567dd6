"""Sentence splitting: one splitter for documents (chunking, the lexical index's sentence field)
and for model drafts (claims). Blank lines always end a sentence; inside a paragraph a sentence
ends at . ! ? … (closing quotes/brackets may follow) and whitespace before an uppercase letter,
digit, opening quote/bracket or dash, unless the word before the stop is a known abbreviation or
a single letter (initials)."""

from __future__ import annotations

import re

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SENT_END = re.compile(r"[.!?…]+[\"»”’)\]]*\s+(?=[«\"“(\[A-ZА-ЯЁ0-9—–-])")
_LAST_WORD = re.compile(r"([\w.]+)[.!?…]*[\"»”’)\]]*\s*$")
_ABBREVIATIONS = """mr mrs ms dr st vs jr sr prof inc ltd no fig e.g i.e etc u.s
    т г гг др им ул стр рис см тыс млн млрд руб проф англ т.е т.к т.д т.п н.э"""
ABBREVIATIONS = frozenset([*_ABBREVIATIONS.split(), "до н.э"])


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _paragraph_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph (no blank line inside)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        word = _LAST_WORD.search(text[start : m.end()])
        token = (word.group(1) if word else "").lower().rstrip(".")
        if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in (_trim(text, a, b) for a, b in spans) if e > s]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the blank-line separated paragraphs of `text`, trimmed, empty ones left out."""
    out: list[tuple[int, int]] = []
    pos = 0
    cuts = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)]
    for cut, nxt in [*cuts, (len(text), len(text))]:
        s, e = _trim(text, pos, cut)
        if e > s:
            out.append((s, e))
        pos = nxt
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, trimmed of surrounding whitespace; a blank line
    always ends a sentence."""
    spans: list[tuple[int, int]] = []
    for ps, pe in paragraphs(text):
        spans += [(ps + a, ps + b) for a, b in _paragraph_sentences(text[ps:pe])]
    return spans


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of a passage; the whole text as one span when it has none."""
    return tuple(split_sentences(text)) or ((0, len(text)),)
