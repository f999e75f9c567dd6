"""What the front ends remember, in one SQLite file in the data dir (`citebot.sqlite3`).

`StateDB` is the file; `ConversationStore` keeps a conversation's turns and answers (the quotes
behind every answer, so /sources and the "Sources" button work after a restart and for older
answers); `bot/chat_store.py` keeps per-chat settings and the group reply-thread map in the same
file. Each turn is one small transaction (WAL journal), so a `kill -9` loses at
most the turn in flight; conversations idle longer than the expiry are deleted.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.types import Answer
from index.errors import CitebotError

log = logging.getLogger(__name__)
DB_NAME = "citebot.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT NOT NULL, question TEXT NOT NULL,
    query TEXT NOT NULL, answer TEXT NOT NULL, entities TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation, seq);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT, created REAL NOT NULL,
    state TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS answers_by_conversation ON answers (conversation, id);
CREATE TABLE IF NOT EXISTS threads (
    chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL, root INTEGER NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (chat_id, message_id));
CREATE TABLE IF NOT EXISTS chats (chat_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""
Clock = Callable[[], float]


@dataclass
class Turn:
    """One exchange, as remembered."""

    question: str
    query: str  # the standalone question used for retrieval
    answer: str
    entities: list[str] = field(default_factory=list)


class StateDB:
    """The SQLite connection (thread-safe: one lock; every call is a short transaction)."""

    def __init__(self, path: Path | None, clock: Clock = time.time) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        target = ":memory:" if path is None else str(path)
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise CitebotError(f"Cannot open the state database {target}: {exc}") from exc

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> StateDB:
        """The state database of a data dir."""
        return cls(Path(data_dir) / DB_NAME)

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


class ConversationStore:
    """Turns and answers by conversation id; old conversations expire."""

    def __init__(
        self, db: StateDB, *, max_turns: int = 6, expire_days: float = 30.0,
        max_answers: int = 50,
    ) -> None:
        self.db = db
        self.max_turns = max_turns
        self.expire_s = expire_days * 86400
        self.max_answers = max_answers
        self._writes = 0
        self.expire()

    def turns(self, conversation: str) -> list[Turn]:
        """The remembered turns, oldest first."""
        rows = self.db.query(
            "SELECT question, query, answer, entities FROM turns WHERE conversation=? "
            "ORDER BY seq", (conversation,),
        )
        return [Turn(q, qq, a, json.loads(e)) for q, qq, a, e in rows]

    def last_answer(self, conversation: str) -> Answer | None:
        """The last answer given in the conversation."""
        ref = self.last_answer_id(conversation)
        return None if ref is None else self.answer(ref)

    def last_answer_id(self, conversation: str) -> int | None:
        """The id of the last answer of the conversation (for a "Sources" button)."""
        rows = self.db.query(
            "SELECT max(id) FROM answers WHERE conversation=?", (conversation,)
        )
        return rows[0][0] if rows and rows[0][0] is not None else None

    def answer(self, answer_id: int) -> Answer | None:
        """A stored answer by id (None if it expired or never existed)."""
        rows = self.db.query("SELECT state FROM answers WHERE id=?", (answer_id,))
        if not rows:
            return None
        try:
            return Answer.from_state(json.loads(rows[0][0]))
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("stored answer %s unreadable: %s", answer_id, exc)
            return None

    def save_answer(self, answer: Answer, conversation: str | None = None) -> int:
        """Store an answer (with its quotes); returns its id."""
        state = json.dumps(answer.to_state(), ensure_ascii=False)
        with self.db.tx() as db:
            cur = db.execute(
                "INSERT INTO answers (conversation, created, state) VALUES (?, ?, ?)",
                (conversation, self.db.clock(), state),
            )
            return int(cur.lastrowid or 0)

    def add(self, conversation: str, turn: Turn, answer: Answer) -> int:
        """Remember a turn and its answer in one transaction; returns the answer's id."""
        now = self.db.clock()
        state = json.dumps(answer.to_state(), ensure_ascii=False)
        with self.db.tx() as db:
            db.execute(
                "INSERT INTO conversations (id, updated) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated=excluded.updated", (conversation, now),
            )
            db.execute(
                "INSERT INTO turns (conversation, question, query, answer, entities) "
                "VALUES (?, ?, ?, ?, ?)",
                (conversation, turn.question, turn.query, turn.answer,
                 json.dumps(turn.entities, ensure_ascii=False)),
            )
            cur = db.execute(
                "INSERT INTO answers (conversation, created, state) VALUES (?, ?, ?)",
                (conversation, now, state),
            )
            db.execute(
                "DELETE FROM turns WHERE conversation=? AND seq NOT IN (SELECT seq FROM turns "
                "WHERE conversation=? ORDER BY seq DESC LIMIT ?)",
                (conversation, conversation, max(self.max_turns, 0)),
            )
            db.execute(
                "DELETE FROM answers WHERE conversation=? AND id NOT IN (SELECT id FROM answers "
                "WHERE conversation=? ORDER BY id DESC LIMIT ?)",
                (conversation, conversation, self.max_answers),
            )
            ref = int(cur.lastrowid or 0)
        self._writes += 1
        if self._writes % 500 == 0:
            self.expire()
        return ref

    def restore(self, conversation: str, turns: list[Turn], answers: list[Answer]) -> None:
        """Store a conversation brought from elsewhere (an older data dir), as it was."""
        now = self.db.clock()
        with self.db.tx() as db:
            db.execute("INSERT OR REPLACE INTO conversations (id, updated) VALUES (?, ?)",
                       (conversation, now))
            db.executemany(
                "INSERT INTO turns (conversation, question, query, answer, entities) "
                "VALUES (?, ?, ?, ?, ?)",
                [(conversation, t.question, t.query, t.answer,
                  json.dumps(t.entities, ensure_ascii=False)) for t in turns])
            db.executemany(
                "INSERT INTO answers (conversation, created, state) VALUES (?, ?, ?)",
                [(conversation, now, json.dumps(a.to_state(), ensure_ascii=False))
                 for a in answers])

    def reset(self, conversation: str) -> None:
        """Forget a conversation entirely."""
        with self.db.tx() as db:
            for table, column in (("turns", "conversation"), ("answers", "conversation"),
                                  ("conversations", "id")):
                db.execute(f"DELETE FROM {table} WHERE {column}=?", (conversation,))

    def expire(self) -> int:
        """Delete conversations (and unattached answers) idle longer than the expiry."""
        if self.expire_s <= 0:
            return 0
        cutoff = self.db.clock() - self.expire_s
        with self.db.tx() as db:
            old = [r[0] for r in db.execute(
                "SELECT id FROM conversations WHERE updated < ?", (cutoff,))]
            for cid in old:
                db.execute("DELETE FROM turns WHERE conversation=?", (cid,))
                db.execute("DELETE FROM conversations WHERE id=?", (cid,))
            db.execute("DELETE FROM answers WHERE created < ?", (cutoff,))
            db.execute("DELETE FROM threads WHERE created < ?", (cutoff,))
        return len(old)

    def history_text(self, conversation: str, limit: int = 4, answer_chars: int = 300) -> str:
        """The recent turns as plain text for a prompt (citation markers removed)."""
        lines = []
        for t in self.turns(conversation)[-limit:]:
            answer = re.sub(r"\s*\[\d+\]", "", t.answer)
            if len(answer) > answer_chars:
                answer = answer[:answer_chars].rstrip() + "…"
            lines += [f"User: {t.question}", f"Assistant: {answer}"]
        return "\n".join(lines)
