"""The LLM-mode grounding table: before vs after, per set, from `ask --json`-style rows.

    python -m bench.grounding_llm_report --columns A B C -- SET=A.jsonl,B.jsonl,C.jsonl ...

(an empty file name leaves that column empty for the set)

Unsupported claims are counted by `bench/unsupported_claims.py` (independent of citebot: a shown
sentence with a number or name that none of its cited quotes contains); recall and refusals use
the eval's matching rule. On-topic / off-topic unanswerables apart (off-topic: dev-17,
docs-dev-063, docs-dev-064). Rows without an id's gold answers take them from the set's
questions file.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from bench.grounding import OFF_TOPIC, contains_all, load
from bench.unsupported_claims import analyse


def summary(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The table's metrics for one set's rows."""
    def rate(a: int, b: int) -> str:
        return f"{a / b:.2f} ({a}/{b})" if b else "—"

    questions = [r for r in rows if "expected" in r]
    pos = [r for r in questions if r["expected"]]
    neg = [r for r in questions if not r["expected"]]
    off = [r for r in neg if r.get("id") in OFF_TOPIC]
    on = [r for r in neg if r.get("id") not in OFF_TOPIC]
    hits = sum(not r["refused"] and contains_all(r["answer"], r["expected"]) for r in pos)
    shown = [r for r in rows if not r["refused"]]
    counted = [analyse(r) for r in shown]
    bad = sum(c["strict"] for c in counted)
    sentences = sum(c["sentences"] for c in counted)
    modes: dict[str, int] = {}
    for r in rows:
        modes[r["mode"]] = modes.get(r["mode"], 0) + 1
    # replayed rows (model_s 0: answered from the record) carry no timing
    seconds = [r.get("s", r.get("wall_s")) for r in rows if r.get("model_s", 1) > 0]
    secs = [float(s) for s in seconds if s is not None]
    return {
        "replies": str(len(rows)),
        "modes": ", ".join(f"{k} {v}" for k, v in sorted(modes.items())),
        "answer recall": rate(hits, len(pos)),
        "false refusals": rate(sum(r["refused"] for r in pos), len(pos)),
        "on-topic unanswerable refused": rate(sum(r["refused"] for r in on), len(on)),
        "off-topic refused": rate(sum(r["refused"] for r in off), len(off)),
        "unsupported-claim rate (shown sentences)": rate(bad, sentences),
        "replies with an unsupported claim shown": rate(
            sum(c["strict"] > 0 for c in counted), len(shown)
        ),
        "median s per reply": f"{statistics.median(secs):.0f}" if secs else "—",
    }


def table(columns: list[str], sets: list[tuple[str, list[list[dict[str, Any]]]]]) -> str:
    """One row per set and metric, one column per run."""
    lines = ["| set | metric | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
    for name, runs in sets:
        stats = [summary(rows) if rows else {} for rows in runs]
        keys = list(summary(next(r for r in runs if r)).keys())
        for k in keys:
            cells = [st.get(k, "—") for st in stats]
            if any(c != "—" for c in cells):
                lines.append(f"| {name} | {k} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", nargs="+", required=True)
    parser.add_argument("sets", nargs="+", help="SET=FILE,FILE,... (one file per column)")
    args = parser.parse_args()
    sets = []
    for arg in args.sets:
        name, files = arg.split("=", 1)
        sets.append((name, [load(Path(f)) if f else [] for f in files.split(",")]))
    print(table(args.columns, sets))


if __name__ == "__main__":
    main()
