"""The SQLite state: conversations bounded per turn, expiry, per-chat settings and threads, and
a writer killed with SIGKILL loses nothing it committed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.chat_store import ChatStore
from bot.state import ConversationStore, StateDB, Turn
from bot.types import Answer, Citation
from index.errors import CitebotError
from index.types import Passage
from tests.conftest import REPO

PASSAGE = Passage("p", "text", "a.txt", "¶1", 0, 4, 0.5, ((0, 4),))
ANSWER = Answer("q", "text [1]", [Citation(1, PASSAGE, "text")])


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_turns_are_bounded_answers_are_kept_by_id_and_conversations_expire(tmp_path: Path):
    clock = Clock()
    db = StateDB(tmp_path / "s.sqlite3", clock)
    store = ConversationStore(db, max_turns=2, expire_days=1)
    ids = [store.add("c", Turn(f"q{i}", "q", "a"), ANSWER) for i in range(4)]
    store.add("old", Turn("q", "q", "a"), ANSWER)
    assert [t.question for t in store.turns("c")] == ["q2", "q3"]
    assert store.last_answer_id("c") == ids[-1] and store.answer(ids[0]) == ANSWER
    clock.now += 2 * 86400
    store.add("c", Turn("q4", "q", "a"), ANSWER)
    assert store.expire() == 1
    assert store.turns("old") == [] and store.last_answer("old") is None
    assert store.turns("c")[-1].question == "q4"
    store.reset("c")
    assert store.turns("c") == [] and store.last_answer("c") is None


def test_chat_settings_threads_and_migration(tmp_path: Path):
    chats = ChatStore(StateDB(tmp_path / "s.sqlite3"))
    chats.update(-5, language="ru", subscription="08:30")
    chats.remember_thread(-5, 10, [11, 12])
    assert chats.thread_root(-5, 12) == 10 and chats.get(-5)["last_root"] == 10
    chats.move(-5, -1005)
    assert chats.get(-5) == {} and chats.get(-1005)["language"] == "ru"
    assert chats.thread_root(-1005, 11) == 10
    assert chats.all_with("subscription") == {-1005: "08:30"}
    chats.update(-1005, subscription=None)
    assert chats.all_with("subscription") == {}


def test_a_killed_writer_loses_nothing_it_committed(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    child = (
        "import os, signal, sys\n"
        "from bot.state import ConversationStore, StateDB, Turn\n"
        "from bot.types import Answer\n"
        f"store = ConversationStore(StateDB(__import__('pathlib').Path({str(path)!r})))\n"
        "for i in range(50):\n"
        "    store.add('c', Turn(f'q{i}', 'q', 'a'), Answer('q', 'a'))\n"
        "print('written', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", child], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == -9 and "written" in proc.stdout, proc.stderr
    store = ConversationStore(StateDB(path), max_turns=6)
    assert [t.question for t in store.turns("c")][-1] == "q49"
    assert store.last_answer("c") is not None


def test_a_state_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    path.write_text("not a database" * 100, "utf-8")
    with pytest.raises(CitebotError, match="state database"):
        StateDB(path)


def test_a_data_dir_from_before_sqlite_is_imported_once(tmp_path: Path):
    """conversations.json and python-telegram-bot's telegram.pickle (daily briefing times) of an
    older citebot become SQLite state on the first start; the old files are renamed."""
    import json
    import pickle
    from dataclasses import asdict

    from bot.legacy import import_legacy

    turns = [asdict(Turn("Кто такой Кикли?", "Кто такой Кикли?", "Игрок [1]", ["Кикли"]))]
    (tmp_path / "conversations.json").write_text(json.dumps(
        {"version": 1, "turns": {"tg:5": turns}, "last": {"tg:5": ANSWER.to_state()}},
        ensure_ascii=False), "utf-8")
    with (tmp_path / "telegram.pickle").open("wb") as fh:
        pickle.dump({"chat_data": {-100: {"subscription": "08:30", "other": 1}, 7: {}},
                     "user_data": {}, "bot_data": {}}, fh)
    db = StateDB(tmp_path / "citebot.sqlite3")
    memory, chats = ConversationStore(db), ChatStore(db)
    done = import_legacy(tmp_path, memory, chats)
    assert sorted(count for count, _ in done) == [1, 1]
    assert [t.entities for t in memory.turns("tg:5")] == [["Кикли"]]
    assert memory.last_answer("tg:5") == ANSWER
    assert chats.get(-100) == {"subscription": "08:30"} and chats.all_with("subscription")
    assert (tmp_path / "conversations.json.imported").exists()
    assert import_legacy(tmp_path, memory, chats) == []  # once
    assert len(memory.turns("tg:5")) == 1
    (tmp_path / "telegram.pickle").write_bytes(b"not a pickle")
    assert import_legacy(tmp_path, memory, chats) == []  # unreadable: left alone
    assert (tmp_path / "telegram.pickle").exists()
