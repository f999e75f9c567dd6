"""Scripts and languages: Cyrillic detection and the language of a text (Russian or English)."""

from __future__ import annotations

import re

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]+")


def has_cyrillic(text: str) -> bool:
    """True when `text` holds a Cyrillic letter."""
    return bool(CYRILLIC.search(text))


def is_russian(text: str) -> bool:
    """True when `text` is mostly Russian: judged by its lower-case words (names, often in
    Latin script inside Russian text, do not count), else by its letters."""
    low = [w for w in _LETTERS.findall(text) if w[0].islower()]
    cyr = sum(1 for w in low if CYRILLIC.match(w))
    if low and cyr * 2 != len(low):
        return cyr * 2 > len(low)
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if CYRILLIC.match(ch)) * 2 > len(letters)


def detect_language(text: str) -> str | None:
    """"ru", "en", or None when `text` is neither (another script, or no letters)."""
    if is_russian(text):
        return "ru"
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum("a" <= ch.lower() <= "z" for ch in letters) >= 0.8 * len(letters):
        return "en"
    return None


LANGUAGE_NAMES = {"ru": "Russian", "en": "English"}


def language_name(text: str) -> str:
    """The language to write in for `text`: "Russian", "English", or "the same language as the
    question" when it is neither (or has no letters: English)."""
    lang = detect_language(text)
    if lang is None and not any(ch.isalpha() for ch in text):
        lang = "en"
    return LANGUAGE_NAMES.get(lang or "", "the same language as the question")
