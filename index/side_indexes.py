"""What retrieval keeps beside the chunk collection, synced to it by chunk id.

- sentence vectors (a second Chroma collection, see `index.sentence_store`), computed beside
  the chunk vectors during ingest (`encode` is the ingest's encoder; `index.encoders.multiscale`);
- the lexical index (`index.lexical`) in the data dir: only new chunks are tokenized;
- corpus word vectors (usem3, whatever the dense encoder) for cross-lingual query words
  (`index.wordmap`), on first need.

Sync compares chunk ids with the chunk collection, so an interrupted ingest, another process's
ingest (server mode) or a deleted data dir all end in the same state: equal to the chunks."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.encoders.base import USEM3, Encoder, empty
from index.encoders.multiscale import MultiScaleEncoder
from index.encoders.usem3 import Usem3Encoder
from index.fusion import USEM3_SPREAD_PASSAGE, USEM3_SPREAD_SENTENCE, Spread
from index.lexical import LexicalIndex
from index.retrieve import HybridRetriever
from index.sentence_store import SentenceVectors
from index.side_sync import Written, chunk_ids, passages_of
from index.store import ChromaStore, ChunkRecord
from index.text import sentence_spans
from index.types import HEADING_SEP, is_row, row_parts
from index.wordmap import WordMapper, WordVectors

log = logging.getLogger(__name__)


def _units(encoder: Encoder, spread: float) -> Spread | None:
    """The conversion of `encoder`'s cosines into usem3 units (the fusion weights' units)."""
    return None if encoder.name == USEM3 else Spread(spread)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _heading_rows(passage: Any) -> int:
    """How many of a chunk's sentence vectors are its heading path's (the first paragraph of its
    embed text): context, never the sentence that answers, so they do not compete for a
    chunk's best sentence (the heading still speaks through the passage vector)."""
    return len(sentence_spans(passage.heading)) if passage.heading else 0


def _section(heading: str) -> str:
    """The section a chunk is in (its deepest heading; none for the document's title alone)."""
    return heading.rsplit(HEADING_SEP, 1)[1] if HEADING_SEP in heading else ""


class SideIndexes:
    """Sentence vectors and the lexical index for one chunk collection."""

    def __init__(
        self, store: ChromaStore, encoder: MultiScaleEncoder, words: Usem3Encoder, data_dir: Path
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.sentences = SentenceVectors(
            store.client, store.collection_name, encoder.sentence_dim
        )
        self.folder = data_dir / f"lexical-{store.collection_name}"
        self.data_dir = data_dir
        # text hash -> sentence vectors made during ingest, float16 as stored (half the memory)
        self._pending: dict[str, np.ndarray] = {}
        self._vectors: dict[str, np.ndarray] = {}  # chunk id -> sentence vectors (cache)
        self._lexical: LexicalIndex | None = None
        self.words = WordVectors(data_dir / f"words-{store.collection_name}", words.encode)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Chunk vectors for the ingest (of each chunk's `embed_text`: heading path and text);
        their sentence vectors are kept for the next sync."""
        encoded = self.encoder.encode(texts)
        for text, enc in zip(texts, encoded, strict=True):
            self._pending[_key(text)] = enc.sentence_vectors.astype(np.float16)
        if not encoded:
            return empty(self.encoder.dense.dim)
        return np.stack([e.vector for e in encoded])

    def reset(self) -> None:
        """Forget everything kept beside the chunks (a rebuild; word vectors are kept: they
        are usem3's whatever the dense encoder)."""
        self.sentences.drop()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._pending.clear()
        self._vectors = {}
        self._lexical = None

    def absorb(self, passages: Sequence[Written]) -> None:
        """After the ingest wrote `passages`: store their sentence vectors and add them to the
        lexical index now, so that nothing kept for them grows with the file (`side_sync`)."""
        keys = {_key(p.embed_text) for p in passages}
        fresh = {p.id: self._pending[_key(p.embed_text)] for p in passages
                 if _key(p.embed_text) in self._pending}
        for key in keys:
            self._pending.pop(key, None)
        self._store_fresh(fresh)
        lexical = self._current_lexical()
        have = set(lexical.ids)
        self._lexical = self._lexical_with(lexical, [p for p in passages if p.id not in have], ())

    def finish(self) -> None:
        """End of an ingest: both side indexes equal to the chunk collection, in pages (see
        `side_sync`); the lexical index saved. No retriever is built."""
        ids = chunk_ids(self.store.collection)
        wanted = set(ids)
        lexical = self._current_lexical()
        known = set(lexical.ids)
        lexical = self._lexical_with(lexical, [], known - wanted)
        try:
            stored = self.sentences.stored_chunks()
        except Exception as exc:  # derived data: readers recompute what is missing
            log.warning("sentence vectors not readable (%s)", exc)
            self.sentences.forget()
            stored = wanted
        missing = [cid for cid in ids if cid not in known or cid not in stored]
        for page in passages_of(self.store.collection, missing):
            lexical = self._lexical_with(lexical, [p for p in page if p.id not in known], ())
            todo = [p for p in page if p.id not in stored]
            unseen = [p.embed_text for p in todo if _key(p.embed_text) not in self._pending]
            for text, enc in zip(unseen, self.encoder.encode(unseen), strict=True):
                self._pending[_key(text)] = enc.sentence_vectors.astype(np.float16)
            self._store_fresh({p.id: self._pending[_key(p.embed_text)] for p in todo})
        self._pending.clear()
        try:
            if stored - wanted:
                self.sentences.delete(stored - wanted)
            lexical.save(self.folder)
        except Exception as exc:  # derived data, resynced by the next writer or reader
            log.warning("could not finish the side indexes: %s", exc)
        self._lexical = lexical

    def _current_lexical(self) -> LexicalIndex:
        return self._lexical or LexicalIndex.load(self.folder) or LexicalIndex.empty()

    @staticmethod
    def _lexical_with(
        lexical: LexicalIndex, added: Sequence[Written], removed: Iterable[str]
    ) -> LexicalIndex:
        """`lexical` with `added` passages and without `removed` ids."""
        removed = set(removed)
        if not added and not removed:
            return lexical
        log.info("lexical index: %d added, %d removed", len(added), len(removed))
        return lexical.updated(
            {p.id: p.context for p in added}, removed,
            {p.id: _section(p.heading) for p in added},
            {p.id: row_parts(p.text) for p in added if is_row(p.locator)},
        )

    def _store_fresh(self, fresh: dict[str, np.ndarray]) -> None:
        if not fresh:
            return
        try:
            self.sentences.add(fresh)
        except Exception as exc:  # derived data: readers recompute what is missing
            log.warning("could not store sentence vectors: %s", exc)
            self.sentences.forget()

    def build(self, records: list[ChunkRecord], write: bool) -> HybridRetriever:
        """Sync with `records` (storing what changed when `write`) and return a retriever."""
        passages = {r.passage.id: r.passage for r in records}
        lexical = self._sync_lexical(passages)
        vectors = self._sync_sentences(passages, write)
        self._pending.clear()
        mats = [vectors[cid] for cid in lexical.ids]
        own = None  # usem3+e5-small: each chunk's last row is its usem3 passage vector
        if self.encoder.keep_passage:
            own = (np.stack([m[-1] for m in mats]).astype(np.float32) if mats
                   else empty(self.encoder.sentence_dim))
            mats = [m[:-1] for m in mats]
        first = np.cumsum([0] + [len(m) for m in mats])
        context_rows = np.zeros(int(first[-1]), dtype=bool)
        section_rows = np.zeros(int(first[-1]), dtype=bool)
        for i, cid in enumerate(lexical.ids):
            skip = _heading_rows(passages[cid])
            if skip < len(mats[i]):
                context_rows[first[i] : first[i] + skip] = True
                if HEADING_SEP in passages[cid].heading:
                    section_rows[first[i] : first[i] + skip] = True
        matrix = (np.concatenate(mats, dtype=np.float32) if mats
                  else empty(self.encoder.sentence_dim))
        del mats
        if own is None:  # keep the cache as views into the one matrix, not a second copy
            self._vectors = {
                cid: matrix[first[i] : first[i + 1]] for i, cid in enumerate(lexical.ids)
            }
        del vectors
        return HybridRetriever(
            self.encoder.query, self.store.query, lexical, passages, matrix, first,
            mapper=WordMapper(lexical, self.words), context_rows=(context_rows, section_rows),
            sentence_passages=own,
            units=(
                _units(self.encoder.dense, USEM3_SPREAD_PASSAGE),
                _units(self.encoder.sentences, USEM3_SPREAD_SENTENCE),
            ),
        )

    def _sync_lexical(self, passages: dict[str, Any]) -> LexicalIndex:
        lexical = self._lexical or LexicalIndex.load(self.folder) or LexicalIndex.empty()
        have = set(lexical.ids)
        added = [cid for cid in passages if cid not in have]
        removed = have - set(passages)
        if added or removed or self._lexical is None:
            if added or removed:
                lexical = self._lexical_with(lexical, [passages[c] for c in added], removed)
            try:
                if added or removed or not (self.folder / "meta.json").exists():
                    lexical.save(self.folder)
            except OSError as exc:
                log.warning("could not save the lexical index: %s", exc)
        self._lexical = lexical
        return lexical

    def _sync_sentences(self, passages: dict[str, Any], write: bool) -> dict[str, np.ndarray]:
        cache = {cid: v for cid, v in self._vectors.items() if cid in passages}
        missing = [cid for cid in passages if cid not in cache]
        if missing:
            try:
                cache |= self.sentences.load(None if not cache else missing)
            except Exception as exc:  # unreadable side collection: recompute below
                log.warning("sentence vectors not readable (%s); recomputing", exc)
                self.sentences.forget()
        cache = {cid: v for cid, v in cache.items() if cid in passages}
        todo = [cid for cid in passages if cid not in cache]
        fresh: dict[str, np.ndarray] = {}
        unseen = [cid for cid in todo if _key(passages[cid].embed_text) not in self._pending]
        if unseen:
            log.info("computing sentence vectors of %d chunks", len(unseen))
            texts = [passages[c].embed_text for c in unseen]
            for text, enc in zip(texts, self.encoder.encode(texts), strict=True):
                self._pending[_key(text)] = enc.sentence_vectors.astype(np.float16)
        for cid in todo:  # float16 as stored, so every process scores alike (and half the size)
            fresh[cid] = self._pending[_key(passages[cid].embed_text)]
        cache |= fresh
        if write:
            self._store_sentences(fresh, passages)
        self._vectors = cache
        return cache

    def _store_sentences(self, fresh: dict[str, np.ndarray], passages: dict[str, Any]) -> None:
        try:
            if fresh:
                self.sentences.add(fresh)
            stale = self.sentences.stored_chunks() - set(passages)
            if stale:
                self.sentences.delete(stale)
        except Exception as exc:  # derived data: readers recompute what is missing
            log.warning("could not store sentence vectors: %s", exc)
            self.sentences.forget()
