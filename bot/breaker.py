"""A circuit breaker: stop calling a server that keeps failing, and probe it again later."""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    """Opens after `failures` consecutive failures; lets one call through after `cooldown_s`."""

    def __init__(
        self,
        failures: int = 3,
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._count = 0
        self._opened_at: float | None = None

    @property
    def open(self) -> bool:
        """True while calls are refused."""
        if self._opened_at is None:
            return False
        # after the cool-down the breaker is half-open: the next call is a probe
        return self.clock() - self._opened_at < self.cooldown_s

    def record_success(self) -> None:
        """Close the breaker."""
        self._count = 0
        self._opened_at = None

    def record_failure(self) -> None:
        """Count a failure; open (or re-open) at the limit."""
        self._count += 1
        if self._count >= self.failures:
            self._opened_at = self.clock()
