"""Per-chat state in the same SQLite file as the conversations: a chat's settings (language, daily
briefing time, the "last briefed" mark) and the reply-thread map of group chats."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.state import StateDB


class ChatStore:
    """Per-chat settings (a small JSON object per chat) and the group reply-thread map."""

    def __init__(self, db: StateDB) -> None:
        self.db = db

    def get(self, chat_id: int) -> dict[str, Any]:
        """The chat's settings (empty if none)."""
        rows = self.db.query("SELECT data FROM chats WHERE chat_id=?", (chat_id,))
        return json.loads(rows[0][0]) if rows else {}

    def update(self, chat_id: int, **values: Any) -> dict[str, Any]:
        """Set (or, with None, remove) settings of a chat; returns the new settings."""
        with self.db.tx() as db:
            return _update(db, chat_id, values)

    def all_with(self, key: str) -> dict[int, Any]:
        """chat id -> value, for every chat that has `key` set (e.g. subscriptions)."""
        out = {}
        for chat_id, raw in self.db.query("SELECT chat_id, data FROM chats"):
            value = json.loads(raw).get(key)
            if value is not None:
                out[int(chat_id)] = value
        return out

    def move(self, old: int, new: int) -> None:
        """A group became a supergroup: carry its settings and threads to the new id."""
        with self.db.tx() as db:
            db.execute("UPDATE OR REPLACE chats SET chat_id=? WHERE chat_id=?", (new, old))
            db.execute("UPDATE OR IGNORE threads SET chat_id=? WHERE chat_id=?", (new, old))

    # --- reply threads (groups) ---
    def thread_root(self, chat_id: int, message_id: int) -> int | None:
        """The root of the thread a bot message belongs to (None if unknown)."""
        rows = self.db.query(
            "SELECT root FROM threads WHERE chat_id=? AND message_id=?", (chat_id, message_id)
        )
        return int(rows[0][0]) if rows else None

    def remember_thread(self, chat_id: int, root: int, message_ids: list[int]) -> None:
        """Record that the bot's messages continue the thread rooted at `root`."""
        now = self.db.clock()
        with self.db.tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO threads (chat_id, message_id, root, created) "
                "VALUES (?, ?, ?, ?)", [(chat_id, mid, root, now) for mid in message_ids],
            )
            _update(db, chat_id, {"last_root": root})


def _update(db: sqlite3.Connection, chat_id: int, values: dict[str, Any]) -> dict[str, Any]:
    rows = db.execute("SELECT data FROM chats WHERE chat_id=?", (chat_id,)).fetchall()
    data = json.loads(rows[0][0]) if rows else {}
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    db.execute(
        "INSERT INTO chats (chat_id, data) VALUES (?, ?) "
        "ON CONFLICT(chat_id) DO UPDATE SET data=excluded.data",
        (chat_id, json.dumps(data, ensure_ascii=False)),
    )
    return data

