"""Per-conversation memory, persisted in the data dir so the bot remembers across restarts.

A conversation keeps its last few turns (question, the standalone query it became, the answer
text, the entities it was about) and its last full `Answer` (for /sources). Offline, a follow-up
("А кто ей помог?") is rewritten for retrieval by carrying the previous turn's entities; with an
LLM the service condenses it instead (see `bot/llm.py`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.types import Answer
from index.text import QUESTION_STOP_WORDS as STOP

log = logging.getLogger(__name__)

_ANAPHORA_WORDS = """
    он она оно они его её ее ей ему им их ним ней нее неё него нему них нем нём этот эта это эти
    этого этой этом этим этих этому эту тот та те того той тому том тех там туда тогда такой такая
    такое такие
    he she it they him her them his hers its their theirs this that these those there then
    """
_ANAPHORA = frozenset(_ANAPHORA_WORDS.split())
_QUOTED = re.compile(r"[«\"“]([^»\"”]{2,80})[»\"”]")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*", re.UNICODE)


def entities(text: str) -> list[str]:
    """Names and figures in `text`: quoted phrases, capitalised or Latin-in-Cyrillic words,
    numbers (the first word counts only when it is not a common question word)."""
    found: list[str] = [m.group(1).strip() for m in _QUOTED.finditer(text)]
    cyrillic = bool(re.search(r"[а-яё]", text, re.IGNORECASE))
    for i, m in enumerate(_TOKEN.finditer(text)):
        word = m.group(0)
        low = word.lower()
        if low in STOP or low in _ANAPHORA or (len(word) < 2 and not word.isdigit()):
            continue
        named = word[0].isupper() and (i > 0 or low not in STOP)
        latin = cyrillic and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", word) is not None
        if (named or latin or any(ch.isdigit() for ch in word)) and not _inside(found, word):
            found.append(word)
    return found


def _inside(phrases: list[str], word: str) -> bool:
    return any(word.lower() in p.lower().split() for p in phrases)


def is_follow_up(question: str) -> bool:
    """True when the question leans on an earlier turn (a pronoun, or no names of its own)."""
    words = [w.lower() for w in _TOKEN.findall(question)]
    return any(w in _ANAPHORA for w in words) or not entities(question)


def rewrite_follow_up(question: str, previous_entities: list[str]) -> str:
    """The retrieval query for a follow-up: the question plus the previous turn's entities."""
    if not previous_entities or not is_follow_up(question):
        return question
    low = question.lower()
    extra = [e for e in previous_entities if e.lower() not in low]
    return f"{question} {' '.join(extra)}".strip() if extra else question


@dataclass
class Turn:
    """One exchange, as remembered."""

    question: str
    query: str  # the standalone question used for retrieval
    answer: str
    entities: list[str] = field(default_factory=list)


class ConversationMemory:
    """Turns and last answers by conversation id, saved as JSON in the data dir."""

    def __init__(
        self, path: Path | None, *, max_turns: int = 6, max_conversations: int = 5000
    ) -> None:
        self.path = path
        self.max_turns = max_turns
        self.max_conversations = max_conversations
        self._turns: dict[str, list[Turn]] = {}
        self._last: dict[str, Answer] = {}
        self._lock = threading.Lock()
        self._load()

    @classmethod
    def from_settings(cls, settings: Any) -> ConversationMemory:
        """Memory stored in `<data dir>/conversations.json`."""
        return cls(Path(settings.data_dir) / "conversations.json", max_turns=settings.memory_turns)

    def turns(self, conversation: str) -> list[Turn]:
        """The remembered turns, oldest first."""
        with self._lock:
            return list(self._turns.get(conversation, []))

    def last_answer(self, conversation: str) -> Answer | None:
        """The last answer given in the conversation."""
        with self._lock:
            return self._last.get(conversation)

    def add(self, conversation: str, turn: Turn, answer: Answer) -> None:
        """Remember a turn and its answer, then save."""
        with self._lock:
            turns = self._turns.pop(conversation, [])  # re-insert: most recent last
            turns.append(turn)
            if self.max_turns:
                self._turns[conversation] = turns[-self.max_turns :]
            self._last.pop(conversation, None)
            self._last[conversation] = answer
            while len(self._last) > self.max_conversations:  # least recently used first
                oldest = next(iter(self._last))
                self._last.pop(oldest)
                self._turns.pop(oldest, None)
            self._save()

    def reset(self, conversation: str) -> None:
        """Forget a conversation entirely, then save."""
        with self._lock:
            self._turns.pop(conversation, None)
            self._last.pop(conversation, None)
            self._save()

    def history_text(self, conversation: str, limit: int = 4, answer_chars: int = 300) -> str:
        """The recent turns as plain text for a prompt (citation markers removed)."""
        lines = []
        for t in self.turns(conversation)[-limit:]:
            answer = re.sub(r"\s*\[\d+\]", "", t.answer)
            if len(answer) > answer_chars:
                answer = answer[:answer_chars].rstrip() + "…"
            lines += [f"User: {t.question}", f"Assistant: {answer}"]
        return "\n".join(lines)

    # --- persistence ---
    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            for cid, turns in raw.get("turns", {}).items():
                self._turns[cid] = [Turn(**t) for t in turns]
            for cid, state in raw.get("last", {}).items():
                self._last[cid] = Answer.from_state(state)
        except (OSError, ValueError, TypeError, KeyError) as err:
            log.warning("conversation memory %s unreadable (%s); starting empty", self.path, err)
            self._turns.clear()
            self._last.clear()

    def _save(self) -> None:
        if self.path is None:
            return
        payload = {
            "version": 1,
            "turns": {cid: [asdict(t) for t in ts] for cid, ts in self._turns.items()},
            "last": {cid: a.to_state() for cid, a in self._last.items()},
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".conversations-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError as err:
            log.warning("could not save conversation memory: %s", err)
