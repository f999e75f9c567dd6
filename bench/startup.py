"""Start-up cost of `citebot ask` (warm: the index exists, the OS file cache is warm).

Runs `python -m bot.cli ask QUESTION` several times under `/usr/bin/time -v` (wall seconds and
peak RSS), and `python -X importtime` for the modules that dominate; optionally the same for a
baseline checkout (another source tree run with the same interpreter), interleaved run by run.

    .venv/bin/python bench/startup.py [--baseline /path/to/old/checkout] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Когда обанкротилась Zhidou?"


def env_for(tree: Path, data_dir: Path) -> dict[str, str]:
    """A clean environment running the code of `tree` on `data_dir`."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CITEBOT_", "OPENAI_", "TELEGRAM_"))}
    return base | {"PYTHONPATH": str(tree), "CITEBOT_DATA_DIR": str(data_dir),
                   "CITEBOT_SOURCES_DIR": str(REPO / "seeds")}


def timed_ask(tree: Path, data_dir: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one `citebot ask`."""
    proc = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "bot.cli", "ask", QUESTION],
        cwd=data_dir.parent, env=env_for(tree, data_dir), capture_output=True, text=True,
        check=True,
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*?: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    assert wall and rss, proc.stderr
    hours, minutes, seconds = wall.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds), int(rss.group(1)) / 1024


def top_imports(tree: Path, data_dir: Path, n: int = 8) -> list[tuple[str, float]]:
    """The top-level packages by cumulative import time (ms) of one `citebot ask`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli", "ask", QUESTION],
        cwd=data_dir.parent, env=env_for(tree, data_dir), capture_output=True, text=True,
        check=True,
    )
    totals: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and not m.group(2):  # a top-level import (no indentation)
            name = m.group(3).split(".")[0]
            totals[name] = totals.get(name, 0.0) + int(m.group(1)) / 1000
    return sorted(totals.items(), key=lambda kv: -kv[1])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="an older checkout to compare against")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    trees = {"this tree": REPO}
    if args.baseline:
        trees = {"baseline": args.baseline.resolve(), **trees}
    with tempfile.TemporaryDirectory() as tmp:
        data = {}
        for name, tree in trees.items():
            data[name] = Path(tmp) / name.replace(" ", "_") / "data"
            data[name].parent.mkdir(parents=True)
            subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], cwd=data[name].parent,
                           env=env_for(tree, data[name]), capture_output=True, check=True)
            timed_ask(tree, data[name])  # warm the file cache
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():
                samples[name].append(timed_ask(tree, data[name]))
        print("| code | runs | wall s median | wall s min | peak RSS MB median |")
        print("|---|---|---|---|---|")
        for name, runs in samples.items():
            walls = [w for w, _ in runs]
            print(f"| {name} | {len(runs)} | {statistics.median(walls):.2f} | "
                  f"{min(walls):.2f} | {statistics.median(r for _, r in runs):.0f} |")
        for name, tree in trees.items():
            print(f"\nTop imports ({name}), cumulative ms: " + ", ".join(
                f"{pkg} {ms:.0f}" for pkg, ms in top_imports(tree, data[name])))


if __name__ == "__main__":
    main()
