"""Lexical index: BM25 over Russian/English stemmed words plus a cross-lingual field of numbers and
name keys, saved in the data dir and updated incrementally (only new chunks are tokenized).

Scores are *coverage*: a chunk's BM25 score divided by the query's total IDF mass, where query
tokens absent from the corpus still count. An English question over Russian text thus gets
near-zero lexical scores instead of a confident ranking of noise ("nothing to say"). A third
field holds every sentence's words: the best sentence's share of the query's IDF mass rewards
passages where the query words occur together."""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import chain
from pathlib import Path

import numpy as np

from index.bm25 import Bm25Field
from index.text import STOP_WORDS, cross_tokens, sentence_spans, stem_pairs

log = logging.getLogger(__name__)

FORMAT = 4
STOPWORDS = STOP_WORDS
FIELDS = ("words", "names", "sents", "keys", "heads")
CHUNK_FIELDS = ("words", "names", "keys", "heads")  # one doc per chunk ("sents": per sentence)


def tokenize(text: str) -> list[str]:
    """The stems of `stem_pairs`."""
    return [stem for _, stem in stem_pairs(text)]


def _stems(text: str) -> set[str]:
    return set(tokenize(text)) if text else set()


def field_tokens(text: str) -> dict[str, list[str]]:
    """The tokens of every field for one text."""
    return {"words": tokenize(text), "names": cross_tokens(text, STOPWORDS)}


class LexicalIndex:
    """The fields over a list of chunk ids (scores are aligned with `ids`); the "sents" field's
    docs are sentences, `owner` maps each to its chunk (ascending)."""

    def __init__(
        self, ids: list[str], fields: Mapping[str, Bm25Field], owner: np.ndarray,
        forms: dict[str, str] | None = None,
    ) -> None:
        self.ids = ids
        self.forms = forms or {}  # stem -> a word seen with it (for cross-lingual lookup)
        self.fields = dict(fields)
        self.owner = owner.astype(np.int64)
        self._first = np.searchsorted(self.owner, np.arange(len(ids)))

    @classmethod
    def empty(cls) -> LexicalIndex:
        return cls([], {f: Bm25Field.empty() for f in FIELDS}, np.zeros(0, dtype=np.int64))

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        """Index the given chunk texts from scratch."""
        return cls.empty().updated(dict(zip(ids, texts, strict=True)), ())

    def updated(
        self, added: Mapping[str, str], removed: Iterable[str],
        context: Mapping[str, str] | None = None,
        rows: Mapping[str, tuple[str, str]] | None = None,
    ) -> LexicalIndex:
        """A new index without `removed` ids and with `added` (id -> text); only those texts
        are tokenized. `context` (id -> its heading path) is what every sentence of the chunk
        is about: its words count as present in each of them (the "sents" field), so a fact
        under "SEV2 — Degraded service" need not repeat the heading to match a question. `rows`
        (id -> (key, column headers)) are the table rows among them (see `scores`)."""
        gone = set(removed) | set(added)
        keep = np.array([i not in gone for i in self.ids], dtype=bool)
        new_ids = list(added)
        forms = dict(self.forms)
        words: list[Counter[str]] = []
        names: list[Counter[str]] = []
        sent_bags: list[Counter[str]] = []
        keys: list[Counter[str]] = []
        heads: list[Counter[str]] = []
        owners: list[int] = []
        base = int(keep.sum())
        for n, cid in enumerate(new_ids):  # each sentence is tokenized once, for both fields
            text = added[cid]
            pairs = [stem_pairs(text[a:b]) for a, b in sentence_spans(text)]
            sents = [[stem for _, stem in p] for p in pairs]
            shared = _stems(context.get(cid, "")) if context else set()
            for word, stem in chain.from_iterable(pairs):
                if stem not in forms and len(word) > 2 and word.isalpha():
                    forms[stem] = word
            words.append(Counter(t for toks in sents for t in toks))
            names.append(Counter(cross_tokens(text, STOPWORDS)))
            key, head = rows.get(cid, ("", "")) if rows else ("", "")
            keys.append(Counter(_stems(key)))
            heads.append(Counter(_stems(head)))
            sent_bags += [Counter(set(toks) | shared) for toks in sents]
            owners += [base + n] * len(sents)
        fields = {
            "words": self.fields["words"].updated(keep, words),
            "names": self.fields["names"].updated(keep, names),
            "keys": self.fields["keys"].updated(keep, keys),
            "heads": self.fields["heads"].updated(keep, heads),
        }
        keep_s = keep[self.owner] if len(self.owner) else np.zeros(0, dtype=bool)
        fields["sents"] = self.fields["sents"].updated(keep_s, sent_bags)
        remap = np.cumsum(keep) - 1
        owner = np.concatenate([remap[self.owner[keep_s]], np.asarray(owners, dtype=np.int64)])
        ids = [i for i, k in zip(self.ids, keep, strict=True) if k] + new_ids
        return LexicalIndex(ids, fields, owner, forms)

    def scores(self, query: str, mapped: Iterable[str] = ()) -> dict[str, np.ndarray | float]:
        """Per chunk: coverage of the query by its words ("words"), by its numbers and names
        ("names"), by its best sentence ("sents"), by a table row's cell ("rows"); and "known",
        the share of the query's idf mass the corpus knows. `mapped`: corpus stems standing
        in for the query's unknown words (cross-lingual), used for "rows"."""
        toks = field_tokens(query)
        words = self.fields["words"]
        out: dict[str, np.ndarray | float] = {
            f: self.fields[f].coverage(toks[f]) for f in FIELDS[:2]
        }
        out["known"] = words.known_share(toks["words"])
        weights = {t: float(words.idf(words._df(t))) for t in set(toks["words"])}
        best = np.zeros(len(self.ids))
        total = sum(weights.values())
        if total > 0 and len(self.owner):
            per_sentence = self.fields["sents"].presence(weights) / total
            best = np.maximum.reduceat(per_sentence, self._first) if len(self.ids) else best
        out["sents"] = best
        out["rows"] = self._rows(toks["words"], mapped)
        return out

    def _rows(self, stems: list[str], mapped: Iterable[str]) -> np.ndarray:
        """A table row names what it is about (its key, the first cell) and what each value is
        (the column headers): a question naming both asks for that cell. Per row that the query
        names by both: the share of the query's idf mass its key and headers cover (0 for
        other chunks)."""
        words = self.fields["words"]
        weights = {t: float(words.idf(words._df(t))) for t in set(stems) | set(mapped)}
        total = sum(weights.values())
        if total <= 0 or not self.ids:
            return np.zeros(len(self.ids))
        key = self.fields["keys"].presence(weights) / total
        head = self.fields["heads"].presence(weights) / total
        both = (key > 0) & (head > 0)
        return np.where(both, np.minimum(key + head, 1.0), 0.0)

    def save(self, folder: Path) -> None:
        """Write the index atomically into `folder`."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        arrays: dict[str, np.ndarray] = {}
        vocabs = {}
        for name, fld in self.fields.items():
            arrays |= {f"{name}_term": fld.term, f"{name}_doc": fld.doc, f"{name}_tf": fld.tf}
            vocabs[name] = sorted(fld.vocab, key=fld.vocab.__getitem__)
        np.savez(tmp / "postings.npz", owner=self.owner, **arrays)  # type: ignore[arg-type]
        meta = {"format": FORMAT, "ids": self.ids, "vocab": vocabs, "forms": self.forms}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index, or None if absent or unreadable."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return None
            ids = list(meta["ids"])
            with np.load(folder / "postings.npz") as z:
                owner = z["owner"]
                sizes = {f: len(ids) for f in CHUNK_FIELDS} | {"sents": len(owner)}
                fields = {
                    f: Bm25Field(
                        {t: i for i, t in enumerate(meta["vocab"][f])},
                        z[f"{f}_term"], z[f"{f}_doc"], z[f"{f}_tf"], sizes[f],
                    )
                    for f in FIELDS
                }
            return cls(ids, fields, owner, dict(meta.get("forms", {})))
        except (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile) as exc:
            log.info("lexical index at %s not usable (%s); rebuilding", folder, exc)
            return None
