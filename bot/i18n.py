"""The message catalogue: every user-facing string of the bot and the CLI, in English and Russian.

`t(key, lang, **fields)` formats a message; `pick_language` decides which language a reply uses.
Handlers and the CLI never hold wording inline: they name a key here.
"""

from __future__ import annotations

import re

from bot.catalogue import MESSAGES, NOTES_RU
from index.errors import CitebotError
from index.text import detect_language

__all__ = [
    "DEFAULT", "LANGUAGES", "MESSAGES", "detect", "error_text", "note_text", "pick_language", "t",
]

LANGUAGES = ("en", "ru")
DEFAULT = "en"
_REMOVED = re.compile(r"Removed (\d+) statements? the sources do not support\.")

def note_text(note: str, lang: str) -> str:
    """A service note in `lang`: known English sentences are replaced by their translation."""
    if lang != "ru":
        return note
    note = _REMOVED.sub(lambda m: f"Удалено утверждений без опоры в источниках: {m[1]}.", note)
    for english in sorted(NOTES_RU, key=len, reverse=True):
        note = note.replace(english, NOTES_RU[english])
    return note


def error_text(exc: CitebotError, lang: str) -> str:
    """An error's one line in `lang` when the catalogue has it (`InputError.key`), else as is."""
    key = getattr(exc, "key", None)
    if key in MESSAGES:
        return t(key, lang, **getattr(exc, "fields", {}))
    return str(exc)


def t(key: str, lang: str | None = None, **fields: object) -> str:
    """The message `key` in `lang` (English if unknown), with `fields` filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang or DEFAULT) or entry[DEFAULT]
    return text.format(**fields) if fields else text


def normalize(code: str | None) -> str | None:
    """"ru-RU" / "ru_RU.UTF-8" -> "ru"; None for a language without a catalogue."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].split(".")[0].lower()
    return base if base in LANGUAGES else None


def detect(text: str | None) -> str | None:
    """The language of a text ("ru", "en"), or None (see `index.text.detect_language`)."""
    return detect_language(text) if text else None


def pick_language(*choices: str | None, text: str | None = None) -> str:
    """The first catalogued language of `choices`, else the language of `text`, else English."""
    for code in choices:
        lang = normalize(code)
        if lang:
            return lang
    return detect(text) or DEFAULT
