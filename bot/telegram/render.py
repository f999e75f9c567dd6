"""Answers as Telegram HTML: escaped text, `[n]` citations, a compact source list with the quotes
in expandable blockquotes, split into messages of at most 4096 characters.

Messages are split between blocks (paragraphs, source entries); a block that alone is too long is
cut on sentence, then word boundaries of its *raw* text before escaping, so a cut never falls
inside a tag, an HTML entity or a `[n]` citation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.types import Answer
from index.types import Passage

MAX_MESSAGE = 4096
QUOTE_CHARS = 700  # per quote in the source list
CLOSEST_CHARS = 300
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


def shorten(text: str, limit: int) -> str:
    """`text` collapsed to one line and cut to `limit` characters on a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut or text[: limit - 1]) + "…"


def _source_line(n: int | None, passage: Passage) -> str:
    where = f"{passage.source}, {passage.locator}" if passage.locator else passage.source
    return f"[{n}] {where}" if n is not None else where


def answer_blocks(answer: Answer, *, full_quotes: bool = False) -> list[Block]:
    """The blocks of an answer: paragraphs, an optional note, then the sources."""
    blocks = [Block(p.strip()) for p in re.split(r"\n\s*\n", answer.text or "") if p.strip()]
    if not blocks:
        blocks = [Block("(no answer)")]
    if answer.note:
        blocks.append(Block(answer.note, "<i>", "</i>"))
    limit = 10**6 if full_quotes else QUOTE_CHARS
    if answer.citations:
        blocks.append(Block("Sources", "<b>", "</b>"))
        for c in answer.citations:
            blocks.append(Block(_source_line(c.n, c.passage), sep="\n"))
            quote = c.quote or c.passage.text
            blocks.append(
                Block(shorten(quote, limit), "<blockquote expandable>", "</blockquote>", sep="")
            )
    elif answer.refused and answer.closest:
        blocks.append(Block("Closest I found", "<b>", "</b>"))
        for p in answer.closest[:3]:
            blocks.append(Block(_source_line(None, p), sep="\n"))
            blocks.append(
                Block(shorten(p.text, CLOSEST_CHARS), "<blockquote expandable>", "</blockquote>",
                      sep="")
            )
    return blocks


def render_answer(answer: Answer, *, limit: int = MAX_MESSAGE) -> list[str]:
    """An answer as one or more HTML messages."""
    return pack(answer_blocks(answer), limit)


def render_sources(answer: Answer | None, *, limit: int = MAX_MESSAGE) -> list[str]:
    """The full quotes behind an answer, for /sources."""
    if answer is None or not answer.citations:
        return [esc("No sources yet: ask me a question first.")]
    head = Block(f"Sources for: {shorten(answer.question, 200)}", "<b>", "</b>")
    blocks = [head]
    for c in answer.citations:
        blocks.append(Block(_source_line(c.n, c.passage), sep="\n\n"))
        blocks.append(Block(c.passage.text.strip() or c.quote, "<blockquote>", "</blockquote>",
                            sep=""))
    return pack(blocks, limit)


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
