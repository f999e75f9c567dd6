"""What the Telegram handlers are given: the answering service, settings, the per-chat state
(SQLite) and per-process state (rate limits, per-conversation locks)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from telegram import Message, User

from bot.chat_store import ChatStore
from bot.i18n import pick_language
from bot.service import Answerer
from bot.settings import Settings
from bot.telegram.access import Access, GroupLoad, SlidingWindow
from bot.uploads import Uploads


def answer_slots(answerer: Answerer) -> int:
    """Questions answered at once. Offline answers are CPU-bound: running more than the cores
    at once only delays every reply (measured in bench/results/telegram.md), so they queue in
    arrival order; LLM answers mostly wait on the network, so many run at once."""
    if answerer.mode == "llm":
        return 64
    return max(1, os.cpu_count() or 1)


@dataclass
class BotDeps:
    """Collaborators shared by all handlers of one Application."""

    settings: Settings
    answerer: Answerer
    chats: ChatStore
    uploads: Uploads
    access: Access
    user_limit: SlidingWindow
    group_load: GroupLoad
    tz: ZoneInfo
    answer_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(64))
    reindex_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, answerer: Answerer, chats: ChatStore) -> BotDeps:
        """Build the collaborators from settings."""
        library = answerer.library

        def passages_of(source: str) -> int:
            return sum(1 for r in library.records() if r.passage.source == source)

        return cls(
            settings=settings,
            answerer=answerer,
            chats=chats,
            uploads=Uploads(settings.sources_dir, library.ingest, passages_of),
            access=Access(settings.allowed_chats, settings.admin_ids),
            user_limit=SlidingWindow(settings.user_rate_limit, settings.user_rate_window_s),
            group_load=GroupLoad(settings.group_busy_threshold),
            tz=ZoneInfo(settings.timezone),
            answer_slots=asyncio.Semaphore(answer_slots(answerer)),
        )

    def lock(self, conversation: str) -> asyncio.Lock:
        """One lock per conversation, so its questions are answered in order."""
        if len(self._locks) > 4096:
            for key in [k for k, v in self._locks.items() if not v.locked()]:
                del self._locks[key]
        return self._locks.setdefault(conversation, asyncio.Lock())

    def language(self, chat_id: int, user: User | None, text: str | None = None) -> str:
        """The language to reply in: the chat's /language, else the user's Telegram language,
        else the language of `text`, else English."""
        chosen = self.chats.get(chat_id).get("language")
        return pick_language(chosen, user.language_code if user else None, text=text)

    def language_of(self, message: Message, text: str | None = None) -> str:
        """The reply language for a message (see `language`)."""
        body = text if text is not None else (message.text or message.caption or "")
        if body.startswith("/"):
            body = body.partition(" ")[2]  # a command's name says nothing of the language
        return self.language(message.chat_id, message.from_user, body)
