"""Data dirs from before the SQLite state: their conversations (`conversations.json`, one JSON
file) and the Telegram chats' settings (python-telegram-bot's `telegram.pickle`: daily briefing
times) are imported into `citebot.sqlite3` once, on the first start, and the old files renamed
`*.imported` so it never happens twice. Unreadable files are left alone with a log line."""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path
from typing import Any

from bot.chat_store import ChatStore
from bot.state import ConversationStore, Turn
from bot.types import Answer

log = logging.getLogger(__name__)
CONVERSATIONS = "conversations.json"
PTB_PICKLE = "telegram.pickle"
_CHAT_KEYS = ("subscription", "language")  # what the pickle's chat_data held that still matters


def import_legacy(
    data_dir: Path, memory: ConversationStore, chats: ChatStore
) -> list[tuple[int, Path]]:
    """Import what an older citebot left in `data_dir`: (records imported, file) per file."""
    done = []
    conversations = data_dir / CONVERSATIONS
    if conversations.is_file():
        count = _import(conversations, lambda: _conversations(conversations, memory))
        if count is not None:
            done.append((count, conversations))
    pickled = data_dir / PTB_PICKLE
    if pickled.is_file():
        count = _import(pickled, lambda: _chat_settings(pickled, chats))
        if count is not None:
            done.append((count, pickled))
    for count, path in done:
        log.info("imported %d record(s) from %s into the SQLite state", count, path)
    return done


def _import(path: Path, run: Any) -> int | None:
    try:
        count = int(run())
    except Exception as exc:  # an old, partial or foreign file: keep it, say so in the log
        log.warning("could not import %s (%s); left as it is", path, exc)
        return None
    path.rename(path.with_name(path.name + ".imported"))
    return count


def _conversations(path: Path, memory: ConversationStore) -> int:
    raw = json.loads(path.read_text(encoding="utf-8"))
    last = raw.get("last", {})
    ids = list(raw.get("turns", {}))
    for cid in ids:
        turns = [Turn(**t) for t in raw["turns"][cid]][-max(memory.max_turns, 1):]
        answers = [Answer.from_state(last[cid])] if cid in last else []
        memory.restore(cid, turns, answers)
    return len(ids)


def _chat_settings(path: Path, chats: ChatStore) -> int:
    with path.open("rb") as fh:
        data = pickle.load(fh)  # the bot's own file in its own data dir
    count = 0
    for chat_id, values in (data.get("chat_data") or {}).items():
        kept = {k: values[k] for k in _CHAT_KEYS if k in values}
        if kept:
            chats.update(int(chat_id), **kept)
            count += 1
    return count
