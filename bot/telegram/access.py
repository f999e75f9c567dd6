"""Who may use the bot and how fast: the allowlist, admins, a per-user rate limit and the
per-group load that decides when a busy group gets a "queued" notice."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

Clock = Callable[[], float]


class Access:
    """The allowlist (chat or user ids; empty = everyone) and the admin ids."""

    def __init__(self, allowed: Iterable[int], admins: Iterable[int]) -> None:
        self.allowed = frozenset(allowed)
        self.admins = frozenset(admins)

    @property
    def open_to_everyone(self) -> bool:
        """True when no allowlist is configured."""
        return not self.allowed

    def allows(self, chat_id: int | None, user_id: int | None) -> bool:
        """True if the chat or the user is on the allowlist (or there is none)."""
        if not self.allowed:
            return True
        return chat_id in self.allowed or user_id in self.allowed

    def is_admin(self, user_id: int | None) -> bool:
        """True if the user is one of the configured bot admins."""
        return user_id is not None and user_id in self.admins


class SlidingWindow:
    """At most `limit` events per key within `window` seconds (limit 0 = unlimited)."""

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[int, deque[float]] = {}

    def _recent(self, key: int) -> deque[float]:
        events = self._events.setdefault(key, deque())
        cutoff = self.clock() - self.window
        while events and events[0] <= cutoff:
            events.popleft()
        return events

    def count(self, key: int) -> int:
        """Events for `key` within the window."""
        return len(self._recent(key))

    def hit(self, key: int) -> bool:
        """Record an event if under the limit; False means the key is over its limit."""
        events = self._recent(key)
        if self.limit and len(events) >= self.limit:
            return False
        events.append(self.clock())
        if len(self._events) > 4096:  # forget idle keys
            for k in [k for k, v in self._events.items() if not v]:
                del self._events[k]
        return True

    def retry_in(self, key: int) -> float:
        """Seconds until `key` may act again."""
        events = self._recent(key)
        if not self.limit or len(events) < self.limit:
            return 0.0
        return max(0.0, events[0] + self.window - self.clock())


class GroupLoad:
    """Answers per group per minute; past `threshold` the group gets one "queued" notice a
    minute, since Telegram allows about 20 messages a minute in a group and the rate limiter
    then delays replies."""

    def __init__(self, threshold: int, window: float = 60.0, clock: Clock = time.monotonic):
        self.answers = SlidingWindow(0, window, clock)
        self.notices = SlidingWindow(1, window, clock)
        self.threshold = threshold

    def busy(self, chat_id: int) -> bool:
        """True while the group is past its threshold (answers then arrive without streaming)."""
        return self.answers.count(chat_id) > self.threshold

    def begin(self, chat_id: int) -> bool:
        """Count one more answer for the group; True if a "queued" notice should be sent."""
        self.answers.hit(chat_id)
        if self.answers.count(chat_id) <= self.threshold:
            return False
        return self.notices.hit(chat_id)
