"""The text side of claim checking: what a passage (or a window of its sentences, or its section
heading) states — words, stems, numbers, months, names, sums of money — and the name phrases,
words about the sources and price words of a claim."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import QUESTION_STOP_WORDS, split_sentences, stem, words
from index.text.names import months, name_tokens, numbers

# words about the sources, not about the world ("according to the documents, … mentioned …"),
# and light verbs: they state nothing a passage has to support
SOURCE_TALK = frozenset(stem(w) for w in [
    "according", "documents", "document", "mentioned", "mentions", "stated", "states", "says",
    "provided", "information", "text", "source", "sources", "passage", "passages", "context",
    "согласно", "документ", "документе", "документах", "документы", "упоминается", "упомянуто",
    "указано", "говорится", "сказано", "информация", "информации", "источник", "источнике",
    "источниках", "источники", "тексте", "данных",
    # light verbs: the fact is in their complement ("went bankrupt", "became public")
    "went", "goes", "gone", "became", "become", "becomes", "got", "gets", "made", "makes",
    "took", "takes",
])
# words that open a statement about the one named before ("Это политическая партия, …", "He …")
PRONOUNS = frozenset({
    "он", "она", "оно", "они", "это", "этот", "эта", "эти", "его", "её", "ее", "их",
    "he", "she", "it", "they", "this", "these", "its", "his", "her", "their",
})
# a sum of money states a price: "costs €3,450" is what "Price: €3,450" says
MONEY = re.compile(
    r"[$€£¥₽]\s*\d[\d\s.,]*\d|[$€£¥₽]\s*\d|\d[\d\s.,]*\s*(?:[$€£¥₽]|руб|юан|долл|евро|usd|eur|rmb|"
    r"yuan|dollar|euro)",
    re.IGNORECASE,
)
PRICE_WORD = re.compile(r"^(?:cost|price|стои|стоим|цен)", re.IGNORECASE)
WINDOW = 2  # adjacent sentences of a passage a claim's names, numbers and words must share


@dataclass(frozen=True)
class Facts:
    """What a text states that a claim must find: words, stems, numbers, months, names."""

    words: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]
    months: frozenset[str]
    names: frozenset[str]
    amounts: frozenset[str] = frozenset()  # numbers written as sums of money ("€3,450")
    runs: tuple[frozenset[str], ...] = ()  # the stems of each text joined into these Facts

    def together(self, a: str, b: str) -> bool:
        """True when stems `a` and `b` stand in one text (a heading is a text of its own)."""
        return any(a in run and b in run for run in self.runs)

    @classmethod
    def of(cls, text: str) -> Facts:
        ws = {w for w in words(text) if w not in QUESTION_STOP_WORDS and len(w) > 2}
        return cls(
            frozenset(ws),
            frozenset(stem(w) for w in ws),
            frozenset(numbers(text)),
            frozenset(months(text)),
            frozenset(set(name_tokens(text)) | capitalised(text)),
            frozenset(n for m in MONEY.findall(text) for n in numbers(m)),
            (frozenset(stem(w) for w in words(text)),),
        )

    def __or__(self, other: Facts) -> Facts:
        return Facts(
            self.words | other.words,
            self.stems | other.stems,
            self.numbers | other.numbers,
            self.months | other.months,
            self.names | other.names,
            self.amounts | other.amounts,
            self.runs + other.runs,
        )


def windows(text: str, size: int = WINDOW) -> list[str]:
    """Runs of `size` adjacent sentences of `text` (the whole text when it is shorter)."""
    sents = [text[a:b] for a, b in split_sentences(text)] or [text]
    if len(sents) <= size:
        return [" ".join(sents)]
    return [" ".join(sents[i : i + size]) for i in range(len(sents) - size + 1)]


def heading(locator: str) -> str:
    """The section heading a locator names: "§ SEV2 — Degraded service, ¶1" -> "SEV2 —
    Degraded service"; "" for a locator without one ("p. 2, ¶1")."""
    found = re.search(
        r"§\s*(.+?)(?:,\s*(?:¶|table|row|p\.|page|стр|табл)[^,]*)*$", locator or ""
    )
    return found.group(1).strip() if found else ""


def name_phrases(claim: str) -> list[list[str]]:
    """The claim's names grouped into phrases ("Zhidou Electric Vehicles Co." is one)."""
    phrases: list[list[str]] = []
    end = 0
    for token in name_tokens(claim):
        start = claim.find(token, end)
        if start < 0:
            continue
        if phrases and not claim[end:start].strip(" ."):
            phrases[-1].append(token)
        else:
            phrases.append([token])
        end = start + len(token)
    return phrases


def flat(text: str) -> str:
    return " ".join(text.split()).rstrip(".…!? ")


def lowercase(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", text) if w[0].islower()}


def capitalised(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{2,}", text) if w[0].isupper()}


def opens_with_pronoun(text: str) -> bool:
    """True when one of the first two words of `text` is a pronoun ("Традиционно, он …")."""
    return bool(PRONOUNS & set(words(text)[:2]))
