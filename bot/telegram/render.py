"""Answers as Telegram HTML (from the presentation model in `bot/presentation.py`): escaped
text, `[n]` citations, a compact source list with the quotes in expandable blockquotes, split
into messages of at most 4096 characters.

Messages are split between blocks (paragraphs, source entries); a block that alone is too long is
cut on sentence, then word boundaries of its *raw* text before escaping, so a cut never falls
inside a tag, an HTML entity or a `[n]` citation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.presentation import AnswerView, present, present_sources
from bot.types import Answer

MAX_MESSAGE = 4096
_SENTENCE_END = re.compile(r"(?<=[.!?…。])\s+(?!\[\d+\])")
_WORD = re.compile(r"\S+(?:\s*\[\d+\])*\s*")


@dataclass(frozen=True)
class Block:
    """A piece of a message: raw text wrapped in fixed HTML; `sep` goes before it when joined."""

    text: str
    open: str = ""
    close: str = ""
    sep: str = "\n\n"

    def html(self, text: str | None = None) -> str:
        """The block as HTML, with its (or the given) raw text escaped."""
        return f"{self.open}{esc(self.text if text is None else text)}{self.close}"


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def _view_blocks(view: AnswerView) -> list[Block]:
    """The blocks of a presented answer: paragraphs, note, then the source list."""
    blocks = [Block(p) for p in view.paragraphs]
    if view.note:
        blocks.append(Block(view.note, "<i>", "</i>"))
    if view.sources_title:
        blocks.append(Block(view.sources_title, "<b>", "</b>"))
        for item in view.sources:
            blocks.append(Block(item.heading, sep="\n\n" if view.full else "\n"))
            blocks.append(
                Block(item.quote, "<blockquote expandable>", "</blockquote>", sep="")
            )
    return blocks


def answer_blocks(answer: Answer, lang: str = "en") -> list[Block]:
    """The blocks of an answer (see `bot/presentation.py`)."""
    return _view_blocks(present(answer, lang))


def render_answer(answer: Answer, lang: str = "en", *, limit: int = MAX_MESSAGE) -> list[str]:
    """An answer as one or more HTML messages."""
    return pack(answer_blocks(answer, lang), limit)


def render_sources(
    answer: Answer | None, lang: str = "en", *, limit: int = MAX_MESSAGE
) -> list[str]:
    """The full quotes behind an answer, for /sources and the "Sources" button."""
    return pack(_view_blocks(present_sources(answer, lang)), limit)


def render_plain(text: str, *, limit: int = MAX_MESSAGE) -> list[str]:
    """Plain (escaped) text, split like an answer."""
    blocks = [Block(p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return pack(blocks or [Block(text)], limit)


def render_draft(text: str, *, limit: int = MAX_MESSAGE) -> str:
    """A streaming draft: escaped, cut to fit one message."""
    text = text.strip() or "…"
    if len(esc(text)) > limit - 2:
        while len(esc(text)) > limit - 2:
            text = text[: int(len(text) * 0.9)]
        text = text.rstrip() + " …"
    return esc(text)


def pack(blocks: list[Block], limit: int = MAX_MESSAGE) -> list[str]:
    """Join blocks into messages of at most `limit` characters, never cutting inside one."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, limit):
            candidate = f"{current}{block.sep}{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: Block, limit: int) -> list[str]:
    """The block as HTML pieces each within `limit` (its wrapper repeated on every piece)."""
    whole = block.html()
    if len(whole) <= limit:
        return [whole]
    room = limit - len(block.open) - len(block.close)
    pieces: list[str] = []
    for raw in _cut(block.text, room):
        pieces.append(block.html(raw.strip()))
    return pieces


def _cut(text: str, room: int) -> list[str]:
    """Raw text in parts whose escaped length fits `room`: sentences, then words, then chars."""
    units: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if len(esc(sentence)) + 1 <= room:
            units.append(sentence + " ")
        else:
            for word in _WORD.findall(sentence):
                while len(esc(word)) > room:  # a monster token: hard cut (raw, so no entity)
                    head = word[: max(1, room // 6)]
                    units.append(head)
                    word = word[len(head):]
                units.append(word)
    parts: list[str] = []
    current = ""
    for unit in units:
        if current and len(esc((current + unit).strip())) > room:
            parts.append(current)
            current = ""
        current += unit
    if current.strip():
        parts.append(current)
    return parts
