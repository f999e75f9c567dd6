"""Specific content of a claim: numbers, months and names, and matching them across scripts.

A name matches when its folded Latin spelling (pinyin/Palladius spellings folded together:
"Жэнь Чжэньхэ" = "Ren Zhenhe", "Чжэнчжоу" = "Zhengzhou", "Си Цзиньпин" = "Xi Jinping") equals
another's, or the two differ only in a Russian case ending ("Теслы" = "Тесла"), or (across
scripts, five letters or more) in one letter ("Manning" = "Мэннинг"). Strict
on purpose: no fuzzy prefixes ("Australia" is not "Austria" nor "astral"; "Жаньсу" is not
"Ганьсу", "Guanzhou" not "Ганьсу", "Haima" not "Aima", "Kessel" not "Kassel").
"""

from __future__ import annotations

import re

from index.text.script import has_cyrillic, is_russian
from index.text.tokens import QUESTION_STOP_WORDS
from index.text.translit import normalize_numbers

_RU_LETTERS = "a b v g d e e zh z i i k l m n o p r s t u f h c ch sh sh _ y _ e yu ya"
_RU = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _RU_LETTERS.split(), strict=True))
# Applied in order to both spellings: pinyin and its Russian (Palladius) rendering meet.
_FOLDS = (
    ("chzh", "j"), ("dzh", "j"), ("zh", "j"), ("cz", "j"), ("ts", "c"), ("tz", "c"), ("x", "s"),
    ("q", "c"), ("ph", "f"), ("th", "t"), ("kh", "h"), ("ck", "k"), ("ch", "c"), ("w", "v"),
    ("r", "j"), ("ng", "n"), ("y", "i"),
)  # fmt: skip
_MONTHS = (
    ("january", "январ"), ("february", "феврал"), ("march", "март"), ("april", "апрел"),
    ("may", "ма[йяе]"), ("june", "июн"), ("july", "июл"), ("august", "август"),
    ("september", "сентябр"), ("october", "октябр"), ("november", "ноябр"),
    ("december", "декабр"),
)  # fmt: skip
_MONTH_RE = [
    (re.compile(rf"\b(?:{en}|{en[:3]}\.?|{ru}\w*)(?!\w)", re.IGNORECASE), f"month{i}")
    for i, (en, ru) in enumerate(_MONTHS, start=1)
]
TOKEN = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def skeleton(word: str) -> str:
    """The folded Latin consonant skeleton of a name ("Чжэнчжоу" -> "jnj")."""
    low = word.lower().replace("'s", "").replace("’s", "")
    if has_cyrillic(low):
        low = "".join(_RU.get(ch, ch) for ch in low).replace("_", "")
    low = re.sub(r"[^a-z]", "", low)
    for a, b in _FOLDS:
        low = low.replace(a, b)
    low = re.sub(r"(.)\1+", r"\1", low)
    return low[:1] + re.sub(r"[aeiou]", "", low[1:]) if low else ""


def names_match(a: str, b: str) -> bool:
    """True when two name words are one name in any script (see the module docstring)."""
    if a.lower() == b.lower():
        return True
    va, vb = spelling(a), spelling(b)
    if not va or not vb:
        return False
    if va == vb:
        return True
    short, long = sorted((va, vb), key=len)
    common = _common_prefix(va, vb)
    if common >= 4 and short[common:] in _ENDINGS and long[common:] in _ENDINGS:
        return True  # one name, two case endings: "Теслы" = "Тесла", "Цзиньпином" = "Jinping"
    if has_cyrillic(a) == has_cyrillic(b):
        return False  # in one script a different spelling is a different name (Kessel, Kassel)
    # across scripts: one letter more, less or other in spellings of five letters or more
    # ("Manning" = "Мэннинг", "Apollo" = "Аполлон"; "Apollo" is not "Апулии", "Wales" not "велись")
    return len(short) >= 5 and va[0] == vb[0] and _one_edit(va, vb)


def _one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` differ by at most one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = _common_prefix(a, b)
    return a[i + 1:] == b[i + 1:] or a[i + 1:] == b[i:] or a[i:] == b[i + 1:]


# Russian case endings as `spelling` writes them ("Теслой" -> "tesloi"), and nothing: what may
# follow the common stem of two spellings of one name ("Маньяка" is not "Manning" + an ending).
_ENDING_LIST = "a u e i o om oi ov ev em ei ami ah am im ogo omu emu ego ia iu iam iah iami ie"
_ENDINGS = frozenset({"", *_ENDING_LIST.split(" ")})


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def spelling(word: str) -> str:
    """The folded Latin spelling of a name, vowels kept ("Чжэнчжоу" -> "jenjou")."""
    low = word.lower().replace("'s", "").replace("’s", "").replace("ё", "е")
    if has_cyrillic(low):
        low = "".join(_RU.get(ch, ch) for ch in low).replace("_", "")
    low = re.sub(r"c(?=[aoulrk])", "k", re.sub(r"[^a-z0-9]", "", low))  # Marconi = Маркони
    for x, y in _FOLDS:
        low = low.replace(x, y)
    return re.sub(r"(.)\1+", r"\1", low)


def numbers(text: str) -> set[str]:
    """The numbers of `text` ("1 000" = "1,000" = "1000", "3,5" = "3.5"), as canonical strings."""
    out = set()
    for raw in _NUMBER.findall(normalize_numbers(text)):
        value = float(raw)
        out.add(str(int(value)) if value.is_integer() else repr(value))
    return out


def months(text: str) -> set[str]:
    """Month keys named in `text` in English or Russian ("April", "в апреле" -> "month4")."""
    return {key for pattern, key in _MONTH_RE if pattern.search(text)}


def name_tokens(sentence: str) -> list[str]:
    """The names of a sentence: capitalised words (not stop words), plus codes with digits
    ("EX00"). The first word counts only when it is written in the other script than the
    sentence's ("Zhidou обанкротилась…") or is a code."""
    tokens = TOKEN.findall(sentence)
    cyr = is_russian(sentence)
    out = []
    for i, tok in enumerate(tokens):
        if tok.lower() in QUESTION_STOP_WORDS or len(tok) < 2:
            continue
        code = any(ch.isdigit() for ch in tok) and any(ch.isalpha() for ch in tok)
        capital = tok[0].isupper()
        if i == 0 and not code and has_cyrillic(tok) == cyr:
            continue
        named = code or (capital and not any(ch.isdigit() for ch in tok))
        if named and not any(pattern.fullmatch(tok) for pattern, _ in _MONTH_RE):
            out.append(tok.rstrip("."))
    return out
