"""Helpers for talking to a Chroma server: bounded requests and short failure reasons."""

from __future__ import annotations

from typing import Any


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
