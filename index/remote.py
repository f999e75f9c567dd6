"""Helpers for talking to a Chroma server: bounded requests, short failure reasons, and the guard
that turns any server failure into one `StoreUnavailableError` line."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from index.errors import StoreUnavailableError

log = logging.getLogger(__name__)
T = TypeVar("T")


def describe(exc: BaseException) -> str:
    """A short human reason for a failed Chroma call (walks the exception chain)."""
    import httpx  # imported here: an embedded store's reader never needs it

    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            break
        if isinstance(seen, httpx.TimeoutException):
            return "no answer in time"
        if isinstance(seen, httpx.ConnectError):
            text = str(seen)
            if "refused" in text.lower():
                return "connection refused"
            return f"cannot connect: {text.splitlines()[0][:120]}" if text else "cannot connect"
        if isinstance(seen, httpx.TransportError):
            return f"connection lost ({type(seen).__name__})"
        seen = seen.__cause__ or seen.__context__
    text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def set_timeout(client: Any, timeout_s: float) -> None:
    """chromadb's HttpClient waits forever by default; bound every request instead."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout_s, connect=min(5.0, timeout_s))


def guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Server mode: any transport or server failure becomes one `StoreUnavailableError` line,
    and the next call reopens the collection (a restarted server, or one that lost it)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        if not self.is_server:
            return method(self, *args, **kwargs)
        import httpx  # a server client has imported both already
        from chromadb.errors import ChromaError, NotFoundError

        try:
            if self._stale:
                self._open_collection()
            try:
                return method(self, *args, **kwargs)
            except NotFoundError:  # dropped or the server restarted empty: open it afresh
                log.warning(
                    "collection %s vanished from %s; reopening", self.collection_name, self.location
                )
                self._open_collection()
                return method(self, *args, **kwargs)
        except (httpx.HTTPError, ChromaError, OSError) as exc:
            self._stale = True
            raise StoreUnavailableError(self.unavailable_message(exc)) from exc

    return wrapper
