"""What's new since a chat's last briefing: the documents added or changed, found by comparing
each document's content hash with the "last briefed" mark stored for the chat."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Mark = dict[str, str]  # source name -> content hash, as briefed last time


@dataclass(frozen=True)
class Changes:
    """Documents new or changed since the mark, and the mark to store after briefing."""

    changed: tuple[str, ...]
    mark: Mark


def snapshot(records: Iterable[Any]) -> Mark:
    """source -> content hash of every indexed document (from the index's chunk records)."""
    return {r.passage.source: r.file_hash for r in records}


def changes_since(previous: Mark | None, records: Iterable[Any]) -> Changes:
    """The documents whose hash differs from (or is missing in) the previous mark."""
    current = snapshot(records)
    before = previous or {}
    changed = tuple(sorted(s for s, h in current.items() if before.get(s) != h))
    return Changes(changed, current)
