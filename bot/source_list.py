"""The indexed documents as a short list in the user's language (the bot's /start): the same
entries as `citebot sources` (name, format, passages), the first few and how many more."""

from __future__ import annotations

from bot.i18n import t
from index.types import DocumentEntry

START_LIMIT = 10  # documents listed by /start; the rest are counted


def source_list(entries: list[DocumentEntry], lang: str, limit: int = START_LIMIT) -> str:
    """`entries` as lines ("• runbook.md (markdown, passages: 12)"), at most `limit` of them and
    "… and N more"; empty when nothing is indexed. Names are the display names citations use
    (paths relative to their folder), not the server's absolute paths."""
    if not entries:
        return ""
    shown = sorted(entries, key=lambda e: e.source.lower())[: max(limit, 0)]
    lines = [
        t("start_document", lang, name=e.source, format=e.format, passages=e.passages)
        for e in shown
    ]
    if len(entries) > len(shown):
        lines.append(t("start_more", lang, count=len(entries) - len(shown)))
    return t("start_documents", lang, lines="\n".join(lines))
