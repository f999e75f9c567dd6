"""Follow-up questions. Conversations are stored by `bot/state.py` (SQLite); a turn keeps
the question, the standalone query it became, the answer text and its entities. Offline, a
follow-up ("А кто ей помог?") is rewritten for retrieval by carrying the previous turn's
entities; with an LLM the service condenses it instead (see `bot/llm.py`).
"""

from __future__ import annotations

import re

from bot.state import Turn
from index.text import QUESTION_STOP_WORDS as STOP

__all__ = ["Turn", "entities", "is_follow_up", "rewrite_follow_up"]

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
