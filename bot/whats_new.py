"""What's new since a chat's last briefing: the documents added or changed, found by comparing
each document's content hash with the "last briefed" mark stored for the chat (SQLite chat
state). One implementation for the Telegram `/brief new`, the daily briefings and the CLI's
`citebot brief new` (which keeps its mark under `CLI_CHAT`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.chat_store import ChatStore
    from bot.service import Answerer
    from bot.types import Answer

Mark = dict[str, str]  # source name -> content hash, as briefed last time
MARK_KEY = "briefed"  # chat state: {"at": "YYYY-MM-DD HH:MM", "docs": {source: hash}}
CLI_CHAT = 0  # the command line's "chat" in the state (Telegram chat ids are never 0)
NEW_WORDS = ("new", "новое", "новости", "нового")


@dataclass(frozen=True)
class Changes:
    """Documents new or changed since the mark, and the mark to store after briefing."""

    changed: tuple[str, ...]
    mark: Mark


@dataclass(frozen=True)
class WhatsNew:
    """One what's-new briefing: what changed since when, and the cited digest of it (None when
    nothing changed; `empty` when nothing is indexed at all)."""

    changed: tuple[str, ...]
    since: str | None  # when the chat was last briefed (None: never)
    answer: Answer | None
    empty: bool


def snapshot(records: Iterable[Any]) -> Mark:
    """source -> content hash of every indexed document (from the index's chunk records)."""
    return {r.passage.source: r.file_hash for r in records}


def changes_since(previous: Mark | None, records: Iterable[Any]) -> Changes:
    """The documents whose hash differs from (or is missing in) the previous mark."""
    current = snapshot(records)
    before = previous or {}
    changed = tuple(sorted(s for s, h in current.items() if before.get(s) != h))
    return Changes(changed, current)


async def brief_new(answerer: Answerer, chats: ChatStore, chat_id: int,
                    tz: dt.tzinfo | None = None) -> WhatsNew:
    """Brief `chat_id` on what changed since its mark, and move the mark."""
    state = chats.get(chat_id).get(MARK_KEY) or {}
    records = await asyncio.to_thread(answerer.library.records)
    changes = changes_since(state.get("docs"), records)
    since = state.get("at")
    now = dt.datetime.now(tz).strftime("%Y-%m-%d %H:%M")
    if not changes.changed:
        chats.update(chat_id, **{MARK_KEY: {"at": since or now, "docs": changes.mark}})
        return WhatsNew((), since, None, not records)
    answer = await answerer.brief(None, sources=set(changes.changed))
    chats.update(chat_id, **{MARK_KEY: {"at": now, "docs": changes.mark}})
    return WhatsNew(changes.changed, since, answer, False)
