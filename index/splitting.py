"""Sentence splitting for chunking and the lexical index (one place to repoint when the shared
text layer lands)."""

from __future__ import annotations

import re

_PARA_RE = re.compile(r"\n[ \t]*\n+")
# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) and whitespace,
# before an uppercase letter, digit, quote or dash.
_SENT_END_RE = re.compile(r"[.!?…]+[\"»”’)\]]*\s+(?=[«\"“(\[A-ZА-ЯЁ0-9—–-])")
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "vs",
    "jr",
    "sr",
    "prof",
    "inc",
    "ltd",
    "no",
    "fig",
    "e.g",
    "i.e",
    "etc",
    "u.s",
    "т",
    "г",
    "гг",
    "др",
    "им",
    "ул",
    "стр",
    "рис",
    "см",
    "тыс",
    "млн",
    "млрд",
    "руб",
    "проф",
    "англ",
    "т.е",
    "т.к",
    "т.д",
    "т.п",
    "н.э",
    "до н.э",
}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in `text`, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        word = re.search(r"([\w.]+)[.!?…]*[\"»”’)\]]*\s*$", text[start : m.end()])
        token = (word.group(1) if word else "").lower().rstrip(".")
        if token in _ABBREV or (len(token) == 1 and token.isalpha()):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of a passage (relative to it): paragraphs first, then sentences."""
    spans: list[tuple[int, int]] = []
    pos = 0
    cuts = [(m.start(), m.end()) for m in _PARA_RE.finditer(text)] + [(len(text), len(text))]
    for cut, nxt in cuts:
        spans += [(pos + a, pos + b) for a, b in split_sentences(text[pos:cut])]
        pos = nxt
    return tuple(spans) or ((0, len(text)),)
