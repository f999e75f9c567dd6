"""One presentation model for an answer: its paragraphs, a note, and a list of sources (the
cited quotes, or the closest passages of a refusal). The CLI renders it as plain text
(`bot/render_text.py`), the bot as Telegram HTML (`bot/telegram/render.py`); both take the
headings from the message catalogue, so an answer looks the same in both and in either language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import note_text, t
from bot.types import Answer
from index.types import Passage

QUOTE_CHARS = 700  # per quote under an answer
CLOSEST_CHARS = 300
CLOSEST_SHOWN = 3


@dataclass(frozen=True)
class SourceItem:
    """One entry of the source list: `[n] source, locator` and its quote."""

    n: int | None
    where: str
    quote: str

    @property
    def heading(self) -> str:
        """"[n] source, locator" (or without the number for the closest passages)."""
        return f"[{self.n}] {self.where}" if self.n is not None else self.where


@dataclass(frozen=True)
class AnswerView:
    """What a front end shows for an answer, already worded in one language."""

    paragraphs: tuple[str, ...]
    note: str | None = None
    sources_title: str | None = None
    sources: tuple[SourceItem, ...] = ()
    closest: bool = False  # the sources are the closest passages of a refusal, not citations
    full: bool = False  # whole passages (/sources), not short quotes


def shorten(text: str, limit: int) -> str:
    """`text` collapsed to one line and cut to `limit` characters on a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut or text[: limit - 1]) + "…"


def where(passage: Passage) -> str:
    """"source, locator" of a passage."""
    return f"{passage.source}, {passage.locator}" if passage.locator else passage.source


def present(answer: Answer, lang: str, *, quote_chars: int = QUOTE_CHARS) -> AnswerView:
    """The view of an answer: paragraphs, note, then the cited quotes (or the closest passages
    when the question was refused)."""
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", answer.text or "") if p.strip())
    paragraphs = paragraphs or (t("no_answer", lang),)
    note = note_text(answer.note, lang) if answer.note else None
    if answer.citations:
        items = tuple(
            SourceItem(c.n, where(c.passage), shorten(c.quote or c.passage.text, quote_chars))
            for c in answer.citations
        )
        return AnswerView(paragraphs, note, t("sources", lang), items)
    if answer.refused and answer.closest:
        items = tuple(
            SourceItem(None, where(p), shorten(p.text, CLOSEST_CHARS))
            for p in answer.closest[:CLOSEST_SHOWN]
        )
        return AnswerView(paragraphs, note, t("closest", lang), items, closest=True)
    return AnswerView(paragraphs, note)


def present_sources(answer: Answer | None, lang: str) -> AnswerView:
    """The full quotes behind an answer (/sources, the "Sources" button)."""
    if answer is None or not answer.citations:
        return AnswerView((t("no_sources", lang),))
    items = tuple(
        SourceItem(c.n, where(c.passage), c.passage.text.strip() or c.quote)
        for c in answer.citations
    )
    title = t("sources_for", lang, question=shorten(answer.question, 200))
    return AnswerView((), None, title, items, full=True)
