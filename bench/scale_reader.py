"""A reader process over an index that `bench.scale --keep DIR` left behind: what a bot sees.

    .venv/bin/python -m bench.scale_reader --data DIR/data-embedded-100 --sources DIR/corpus-100x
    .venv/bin/python -m bench.scale_reader --data ... --sources ... --url http://127.0.0.1:PORT

Opens the index (no ingest), answers the same sampled questions, prints one JSON line: start-up
time, query and extractive-answer p50/p95, peak RSS, and the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

from bench.corpus import questions
from bench.scale_worker import time_queries_and_answers


def main() -> None:
    """Measure one reader process."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--sources", type=Path, required=True)
    ap.add_argument("--url", default="")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    started = time.perf_counter()
    from bot.settings import Settings
    from index.encoders.usem3 import Usem3Encoder
    from index.search_index import SearchIndex

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=args.data, sources_dir=args.sources, chroma_url=args.url,
        collection="scale-bench",
    )
    library = SearchIndex.from_settings(settings, embedder=Usem3Encoder())
    qs = questions(args.queries)
    library.retrieve(qs[0], settings.top_k)
    out: dict[str, float] = {"startup_s": time.perf_counter() - started}
    out |= time_queries_and_answers(library, settings, qs)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load_avg_1min"] = os.getloadavg()[0]
    print(json.dumps({k: round(v, 1) for k, v in out.items()}), flush=True)


if __name__ == "__main__":
    main()
