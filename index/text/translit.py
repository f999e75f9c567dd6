"""Transliteration and cross-script keys: numbers and names that read alike in Russian and English.

An English question over a Russian text shares almost no words with it, but it shares digits and
names: "Kuechly" / "Кикли", "Denver" / "Денвер". Two keys, each calibrated where it is used:
`phonetic_key` (a Soundex-like consonant-class string over a Latin transliteration) for the lexical
index's small BM25 name field, `sound_key` (the first four letters of a folded Latin spelling) for
the answerer's and the claim checker's name overlap.
"""

from __future__ import annotations

import re

from index.text.script import CYRILLIC

_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"
_RU2LAT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(), strict=True))
# Consonant classes (Soundex-like): letters that transliterate into one another share a class.
_CLASS = {
    **dict.fromkeys("bpfv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    "m": "5",
    "n": "5",
    "r": "6",
}
_VOWELS = frozenset("aeiouy")
# Russian case endings that add a consonant (Нормана -> норман is fine: vowels are ignored).
_RU_ENDING = re.compile(r"(ами|ями|ого|его|ому|ему|ыми|ими|ов|ев|ом|ем|ам|ям|ах|ях|ым|им|ой|ей)$")
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
# Thousands separators: "1 000 000", "1,000", "12 500" (thin/no-break spaces too).
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})(?:[ \u00a0\u2009\u202f,](\d{3}))+(?![\d]|[.,]\d)")
NAME_PREFIX = "§"


def normalize_numbers(text: str) -> str:
    """Join digit groups ("1 000", "1,000" -> "1000") and write decimal commas as points."""

    def join(m: re.Match[str]) -> str:
        return re.sub(r"[ \u00a0\u2009\u202f,]", "", m.group(0))

    text = _THOUSANDS.sub(join, text)
    return re.sub(r"(?<=\d),(?=\d)", ".", text)


def to_latin(word: str) -> str:
    """Lowercase Latin spelling of a Russian or English word (Russian is transliterated)."""
    w = word.lower().replace("ё", "е")
    if not CYRILLIC.search(w):
        return re.sub(r"'s$", "", w)
    if len(w) > 5:
        w = _RU_ENDING.sub("", w)
    w = w.replace("дж", "j")  # Джош / Josh
    return "".join(_RU2LAT.get(ch, ch) for ch in w).replace("_", "")


def phonetic_key(latin: str) -> str:
    """Consonant-class string of a Latin word; vowels separate repeated classes."""
    s = latin.replace("ph", "f").replace("th", "t").replace("w", "v")
    out: list[str] = []
    prev: str | None = None
    for ch in s:
        cls = _CLASS.get(ch)
        if cls is None:
            if ch in _VOWELS:
                prev = None
            continue
        if cls != prev:
            out.append(cls)
        prev = cls
    return "".join(out)


def cross_tokens(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Numbers and name keys of capitalised words (three letters or more) in `text`."""
    out: list[str] = []
    for word in _WORD.findall(normalize_numbers(text)):
        if word[0].isdigit():
            out.append(word)
            continue
        if len(word) < 3 or not word[0].isupper() or word.lower() in stopwords:
            continue
        key = phonetic_key(to_latin(word))
        if len(key) >= 2:
            out.append(NAME_PREFIX + key)
    return out


_SOUND = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
        "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u",
        "я": "a",
    }
)  # fmt: skip
_LATIN_FOLD = (("ph", "f"), ("x", "ks"), ("w", "v"), ("y", "i"), ("q", "k"), ("kh", "h"),
               ("ck", "k"), ("c", "k"), ("j", "zh"))  # fmt: skip


def sound_key(word: str) -> str | None:
    """A rough script-independent key (first 4 letters of a folded Latin transliteration), so
    that "Бронкос" and "Broncos" or "модели" and "model" meet; None for short words."""
    low = word.lower().translate(_SOUND)
    for a, b in _LATIN_FOLD:
        low = low.replace(a, b)
    low = re.sub(r"(.)\1", r"\1", low)
    return low[:4] if len(low) >= 4 and low.isalpha() else None
