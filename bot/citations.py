"""Checked citations: every `[n]` must point at a passage that was given to the writer.

Invalid numbers are removed, sentences left without any valid citation are dropped, the
remaining citations are renumbered 1..k in order of first appearance, and a draft with no valid
citation at all is reported as unsupported (the caller turns it into a refusal or a fallback).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.types import Citation
from index.text import split_sentences
from index.types import Passage

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_QUOTE_CHARS = 400


@dataclass
class CheckedText:
    """The outcome of checking a draft's citations."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    dropped_markers: int = 0  # [n] that pointed at no given passage
    dropped_sentences: int = 0  # sentences removed for lack of a valid citation

    @property
    def supported(self) -> bool:
        """True when at least one valid citation remains."""
        return bool(self.citations)


def quote_of(passage: Passage, limit: int = _QUOTE_CHARS) -> str:
    """The passage text to show as the quote, cut at a sentence boundary under `limit`."""
    text = " ".join(passage.text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return (cut[: end + 1] if end > limit // 3 else cut.rstrip()) + " …"


def _units(text: str) -> list[str]:
    """Sentence-like units of a draft: lines (bullets) split into sentences."""
    units: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            units.append("")
            continue
        spans = split_sentences(line)
        # a marker that follows the sentence's full stop belongs to that sentence
        merged: list[str] = []
        for a, b in spans:
            piece = line[a:b]
            if merged and _MARKER.fullmatch(piece.strip().rstrip(".")):
                merged[-1] += " " + piece
            else:
                merged.append(piece)
        units.extend(merged or [line])
        units.append("\n")
    return units


def check_citations(draft: str, passages: list[Passage]) -> CheckedText:
    """Validate, prune and renumber the `[n]` markers of `draft` against `passages`."""
    renumber: dict[int, int] = {}
    citations: list[Citation] = []
    dropped_markers = 0
    dropped_sentences = 0
    out: list[str] = []

    def fix(match: re.Match[str]) -> str:
        nonlocal dropped_markers
        kept: list[str] = []
        for raw in re.split(r"\s*[,;]\s*", match.group(1)):
            old = int(raw)
            if not 1 <= old <= len(passages):
                dropped_markers += 1
                continue
            if old not in renumber:
                renumber[old] = len(citations) + 1
                citations.append(
                    Citation(renumber[old], passages[old - 1], quote_of(passages[old - 1]))
                )
            kept.append(f"[{renumber[old]}]")
        return "".join(kept)

    for unit in _units(draft):
        if unit in ("", "\n"):
            out.append(unit)
            continue
        fixed = _MARKER.sub(fix, unit)
        has_valid = bool(re.search(r"\[\d+\]", fixed))
        if has_valid or unit.rstrip().endswith(":") or not any(ch.isalnum() for ch in unit):
            out.append(re.sub(r"[ \t]+([.,;:!?])", r"\1", fixed).strip())
        else:  # an unsupported claim
            dropped_sentences += 1
    text = _join(out)
    return CheckedText(text, citations, dropped_markers, dropped_sentences)


def _join(parts: list[str]) -> str:
    lines: list[str] = []
    current: list[str] = []
    for part in parts:
        if part == "\n":
            lines.append(" ".join(current))
            current = []
        elif part == "":
            lines.append("")
        else:
            current.append(part)
    if current:
        lines.append(" ".join(current))
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
