"""What the Telegram handlers are given: the answering service, settings and per-process state
(rate limits, per-conversation locks). Nothing here is persisted."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.service import Answerer
from bot.settings import Settings
from bot.telegram.access import Access, GroupLoad, SlidingWindow


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
    access: Access
    user_limit: SlidingWindow
    group_load: GroupLoad
    tz: ZoneInfo
    answer_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(64))
    reindex_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, answerer: Answerer) -> BotDeps:
        """Build the collaborators from settings."""
        return cls(
            settings=settings,
            answerer=answerer,
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
