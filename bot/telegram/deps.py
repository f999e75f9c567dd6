"""What the Telegram handlers are given: the answering service, settings and per-process state
(rate limits, per-conversation locks). Nothing here is persisted."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.service import Answerer
from bot.telegram.access import Access, GroupLoad, SlidingWindow
from common.settings import Settings


@dataclass
class BotDeps:
    """Collaborators shared by all handlers of one Application."""

    settings: Settings
    answerer: Answerer
    access: Access
    user_limit: SlidingWindow
    group_load: GroupLoad
    tz: ZoneInfo
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
        )

    def lock(self, conversation: str) -> asyncio.Lock:
        """One lock per conversation, so its questions are answered in order."""
        if len(self._locks) > 4096:
            for key in [k for k, v in self._locks.items() if not v.locked()]:
                del self._locks[key]
        return self._locks.setdefault(conversation, asyncio.Lock())
