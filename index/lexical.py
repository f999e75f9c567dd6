"""Lexical index: BM25 (bm25s) over Russian/English stemmed tokens, saved in the data dir."""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

log = logging.getLogger(__name__)

_WORD_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)
_CYRILLIC_RE = re.compile(r"[а-яё]")
STOPWORDS = frozenset(
    ["a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "but", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "that", "this", "these", "those", "it", "its", "as", "into", "than", "then", "there", "their", "they", "them", "he", "she", "his", "her", "i", "you", "we", "our", "your", "not", "no", "yes", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "has", "have", "had", "about", "after", "before", "over", "under", "between", "during", "и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она", "так", "его", "но", "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее", "мне", "было", "вот", "от", "меня", "еще", "нет", "о", "из", "ему", "теперь", "когда", "даже", "ну", "вдруг", "ли", "если", "уже", "или", "ни", "быть", "был", "него", "до", "вас", "нибудь", "опять", "уж", "вам", "ведь", "там", "потом", "себя", "ничего", "ей", "может", "они", "тут", "где", "есть", "надо", "ней", "для", "мы", "тебя", "их", "чем", "была", "сам", "чтоб", "без", "будто", "чего", "раз", "тоже", "себе", "под", "будет", "ж", "тогда", "кто", "этот", "того", "потому", "этого", "какой", "совсем", "ним", "здесь", "этом", "один", "почти", "мой", "тем", "чтобы", "нее", "сейчас", "были", "куда", "зачем", "всех", "никогда", "можно", "при", "наконец", "два", "об", "другой", "хоть", "после", "над", "больше", "тот", "через", "эти", "нас", "про", "всего", "них", "какая", "много", "разве", "три", "эту", "моя", "впрочем", "хорошо", "свою", "этой", "перед", "иногда", "лучше", "чуть", "том", "нельзя", "такой", "им", "более", "всегда", "конечно", "всю", "между", "каком", "какие", "каких", "какое", "какую", "каким", "сколько", "почему", "зачем"]
)


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(lang)


def tokenize(text: str) -> list[str]:
    """Lowercase, drop stopwords, stem Cyrillic words as Russian and Latin ones as English."""
    words = [w for w in _WORD_RE.findall(text.lower().replace("ё", "е")) if w not in STOPWORDS]
    ru = _stemmer("russian")
    en = _stemmer("english")
    return [
        w if w[0].isdigit() else (ru.stemWord(w) if _CYRILLIC_RE.search(w) else en.stemWord(w))
        for w in words
    ]


class LexicalIndex:
    """BM25 over chunk ids; `fingerprint` names the index content it was built from."""

    def __init__(self, ids: list[str], model: bm25s.BM25 | None, fingerprint: str) -> None:
        self.ids = ids
        self.model = model
        self.fingerprint = fingerprint
        self._lock = threading.Lock()

    @classmethod
    def build(cls, ids: list[str], texts: list[str], fingerprint: str) -> LexicalIndex:
        """Index the given chunk texts."""
        if not ids:
            return cls([], None, fingerprint)
        model = bm25s.BM25()
        model.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(list(ids), model, fingerprint)

    def known_fraction(self, tokens: list[str]) -> float:
        """Share of query tokens that occur anywhere in the corpus (0 = nothing to say)."""
        if not tokens or self.model is None:
            return 0.0
        vocab = self.model.vocab_dict
        return sum(t in vocab for t in tokens) / len(tokens)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk (aligned with `ids`)."""
        if self.model is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        with self._lock:
            return np.asarray(self.model.get_scores(tokens), dtype=np.float32)

    def save(self, folder: Path) -> None:
        """Write the index atomically into `folder`."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.model is not None:
            self.model.save(str(tmp / "bm25"), show_progress=False)
        (tmp / "meta.json").write_text(
            json.dumps({"fingerprint": self.fingerprint, "ids": self.ids}), encoding="utf-8"
        )
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path, fingerprint: str) -> LexicalIndex | None:
        """Load the saved index if it was built from `fingerprint`; else None."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("fingerprint") != fingerprint:
                return None
            ids = list(meta["ids"])
            model = bm25s.BM25.load(str(folder / "bm25")) if ids else None
            return cls(ids, model, fingerprint)
        except (OSError, ValueError, KeyError) as exc:
            log.info("lexical index at %s not usable (%s); rebuilding", folder, exc)
            return None
