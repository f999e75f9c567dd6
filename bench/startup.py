"""Start-up cost of `citebot ask` (warm: the index exists, the OS file cache is warm).

Runs `python -m bot.cli ask QUESTION` several times under `/usr/bin/time -v` (wall seconds and
peak RSS), and `python -X importtime` for the modules that dominate; optionally the same for a
baseline checkout (another source tree run with the same interpreter), interleaved run by run.

    .venv/bin/python bench/startup.py [--baseline /path/to/old/checkout] [--runs 5]
        [--out bench/results/startup.md]
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


def timed_ask(tree: Path, data_dir: Path) -> tuple[float, float, float, float]:
    """(wall s, user CPU s, system CPU s, peak RSS MB) of one `citebot ask`."""
    proc = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "bot.cli", "ask", QUESTION],
        cwd=data_dir.parent, env=env_for(tree, data_dir), capture_output=True, text=True,
        check=True,
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*?: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", proc.stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", proc.stderr)
    assert wall and rss and user and system, proc.stderr
    hours, minutes, seconds = wall.groups()
    return (int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds),
            float(user.group(1)), float(system.group(1)), int(rss.group(1)) / 1024)


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
    parser.add_argument("--out", type=Path, help="write the tables into this markdown file")
    args = parser.parse_args()
    trees = {"this tree": REPO}
    if args.baseline:
        trees = {"baseline": args.baseline.resolve(), **trees}
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = {}
        for name, tree in trees.items():
            data[name] = Path(tmp) / name.replace(" ", "_") / "data"
            data[name].parent.mkdir(parents=True)
            subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], cwd=data[name].parent,
                           env=env_for(tree, data[name]), capture_output=True, check=True)
            timed_ask(tree, data[name])  # warm the file cache (and build any start-up cache)
        samples: dict[str, list[tuple[float, float, float, float]]] = {n: [] for n in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():
                samples[name].append(timed_ask(tree, data[name]))
        med = {name: [statistics.median(r[i] for r in runs) for i in range(4)]
               for name, runs in samples.items()}
        first = next(iter(med.values()))
        lines += ["| code | runs | wall s median | wall s min | user CPU s median "
                  "| system CPU s median | peak RSS MB median | wall vs first row |",
                  "|---|---|---|---|---|---|---|---|"]
        for name, runs in samples.items():
            m = med[name]
            lines.append(f"| {name} | {len(runs)} | {m[0]:.2f} | {min(r[0] for r in runs):.2f} "
                         f"| {m[1]:.2f} | {m[2]:.2f} | {m[3]:.0f} | {m[0] / first[0]:.2f}x |")
        imports = {name: dict(top_imports(tree, data[name], 12)) for name, tree in trees.items()}
    names = sorted({p for t in imports.values() for p in t},
                   key=lambda p: -max(t.get(p, 0.0) for t in imports.values()))
    lines += ["", "Top-level imports, cumulative ms (one `-X importtime` run each):", "",
              "| package | " + " | ".join(trees) + " |", "|---" * (len(trees) + 1) + "|"]
    for pkg in names:
        cells = " | ".join(f"{imports[n][pkg]:.0f}" if pkg in imports[n] else "—" for n in trees)
        lines.append(f"| `{pkg}` | {cells} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        text = args.out.read_text("utf-8") if args.out.exists() else ""
        start, end = "<!-- startup-table -->", "<!-- /startup-table -->"
        if start in text and end in text:
            text = text[: text.index(start) + len(start)] + "\n" + table + "\n" + text[
                text.index(end):]
        else:
            text += f"\n{start}\n{table}\n{end}\n"
        args.out.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
