"""Grounding bench, extractive mode: answer recall, refusals of unanswerables (on-topic and
off-topic apart) and false refusals, through the service (`Answerer.ask`).

    .venv/bin/python -m bench.grounding --out rows.jsonl   # per-question rows
    .venv/bin/python -m bench.grounding --full-xquad --out rows.jsonl  # + all of xquad_dev
    .venv/bin/python -m bench.grounding --report before.jsonl after.jsonl  # the markdown table

Sets: seed_qa (its unanswerables are on-topic but one: dev-17 is off-topic), docs_dev (ids
050-062 on-topic unanswerable or false premise, 063-064 off-topic), and a 60-question xquad_dev
sample (every 21st question, in Russian and in English: 30 + 30), asked as is and as on-topic
negatives (the passages of its article that hold the answer removed from retrieval, the rest of
the article kept: the entity is there, the fact is not).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.service import Answerer
from bot.settings import Settings
from index.search_index import SearchIndex
from index.types import Passage
from tests.conftest import REPO, SEEDS

_CANDIDATES = (REPO.parent / "shared" / "eval", REPO.parents[1] / "shared" / "eval")
EVAL = next((p for p in _CANDIDATES if p.exists()), _CANDIDATES[0])
OUT = REPO / "bench" / "results" / "grounding.md"
OFF_TOPIC = {"dev-17", "docs-dev-063", "docs-dev-064"}
FALSE_PREMISE = {"docs-dev-060", "docs-dev-061", "docs-dev-062"}
HELDOUT = REPO / "bench" / "data" / "grounding_heldout.jsonl"


def load(path: Path) -> list[dict[str, Any]]:
    """A questions file (one JSON object a line)."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def flat(text: str) -> str:
    return " ".join(text.lower().split())


def contains_all(text: str, facts: list[list[str]]) -> bool:
    """The eval README's matching rule."""
    return all(any(flat(v) in flat(text) for v in fact) for fact in facts)


def holds_answer(text: str, q: dict[str, Any]) -> bool:
    return any(flat(v) in flat(text) for fact in q["answers"] for v in fact)


class _WithoutGold:
    """A retriever that leaves out the passages of the question's article holding its answer."""

    def __init__(self, index: SearchIndex, q: dict[str, Any]) -> None:
        self.index, self.q = index, q

    def retrieve(self, query: str, k: int) -> list[Passage]:
        found = self.index.retrieve(query, k + 25)
        keep = [
            p for p in found
            if not (p.source == self.q.get("source") and holds_answer(p.text, self.q))
        ]
        return keep[:k]


class _Library:
    def __init__(self, index: SearchIndex, q: dict[str, Any]) -> None:
        self.retriever = _WithoutGold(index, q)
        self.index = index

    def records(self) -> list[Any]:
        return self.index.records()

    def stats(self) -> Any:
        return self.index.stats()

    def ingest(self) -> Any:
        return self.index.ingest()


def index_of(data: Path, name: str, sources: Path) -> SearchIndex:
    settings = Settings(_env_file=None, data_dir=data / name, sources_dir=sources)  # type: ignore[call-arg]
    lib = SearchIndex.from_settings(settings)
    lib.ingest()
    return lib


def kind_of(q: dict[str, Any]) -> str:
    if "kind" in q:
        return str(q["kind"])
    if q["answers"]:
        return "answerable"
    if q["id"] in FALSE_PREMISE:
        return "false premise"
    return "off-topic" if q["id"] in OFF_TOPIC else "on-topic"


async def run(data: Path, full_xquad: bool = False) -> list[dict[str, Any]]:
    """Every question of every set through the service; one row each."""
    rows: list[dict[str, Any]] = []
    sets = [
        ("seed_qa", index_of(data, "seed", SEEDS), load(EVAL / "seed_qa.jsonl"), False),
        (
            "docs_dev",
            index_of(data, "docs", EVAL / "docs_dev" / "corpus"),
            load(EVAL / "docs_dev" / "questions.jsonl"),
            False,
        ),
    ]
    xq = index_of(data, "xquad", EVAL / "xquad_dev" / "corpus")
    sample = [
        q for lang in ("ru", "en")
        for q in load(EVAL / "xquad_dev" / f"questions.{lang}.jsonl")[::21][:30]
    ]
    sets += [("xquad60", xq, sample, False), ("xquad60 on-topic negatives", xq, sample, True)]
    if full_xquad:
        for lang in ("ru", "en"):
            xqs = load(EVAL / "xquad_dev" / f"questions.{lang}.jsonl")
            sets.append((f"xquad_dev {lang}", xq, xqs, False))
            sets.append((f"xquad_dev {lang} on-topic negatives", xq, xqs, True))
    held = load(HELDOUT)
    for part in ("seeds", "xquad"):
        subset = [q for q in held if q["corpus"] == part]
        sets.append(("held-out", sets[0][1] if part == "seeds" else xq, subset, False))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp))  # type: ignore[call-arg]
        for name, index, questions, negative in sets:
            answerer = Answerer.from_settings(settings, library=index)
            for q in questions:
                if negative:
                    answerer.library = _Library(index, q)  # type: ignore[assignment]
                started = time.perf_counter()
                a = await answerer.ask("bench", q["question"], remember=False)
                kind = "on-topic" if negative else kind_of(q)
                rows.append({
                    "set": name, "id": q["id"], "lang": q.get("lang"), "kind": kind,
                    "refused": a.refused, "hit": kind == "answerable" and not a.refused
                    and contains_all(a.text, q["answers"]),
                    "answer": a.text, "sentences": len(a.citations),
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                })
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    pos = [r for r in rows if r["kind"] == "answerable"]
    on = [r for r in rows if r["kind"] == "on-topic"]
    fp = [r for r in rows if r["kind"] == "false premise"]
    off = [r for r in rows if r["kind"] == "off-topic"]

    def rate(rs: list[dict[str, Any]], key: str) -> str:
        if not rs:
            return "—"
        share = sum(r[key] for r in rs) / len(rs)
        digits = 3 if len(rs) > 100 else 2  # 31/632 is 0.049, not 0.05
        return f"{share:.{digits}f} ({sum(r[key] for r in rs)}/{len(rs)})"

    answered = [r for r in pos if not r["refused"]]
    return {
        "answer recall": rate(pos, "hit"),
        "false refusals": rate(pos, "refused"),
        "on-topic unanswerable refused": rate(on, "refused"),
        "false premise refused": rate(fp, "refused"),
        "off-topic refused": rate(off, "refused"),
        "sentences per answer": f"{sum(r['sentences'] for r in answered) / len(answered):.2f}"
        if answered else "—",
    }


def report(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    keys = list(summary(after).keys())
    lines = ["| set | metric | before | after |", "|---|---|---|---|"]
    for name in dict.fromkeys(r["set"] for r in after):
        b = summary([r for r in before if r["set"] == name])
        a = summary([r for r in after if r["set"] == name])
        lines += [f"| {name} | {k} | {b[k]} | {a[k]} |" for k in keys if a[k] != "—"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse indexes here")
    parser.add_argument("--report", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument(
        "--full-xquad", action="store_true", help="also all 1,264 xquad_dev questions"
    )
    args = parser.parse_args()
    if args.report:
        print(report(*(load(p) for p in args.report)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(run(args.data_dir or Path(tmp), args.full_xquad))
    out = args.out or Path("grounding_rows.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    for name in dict.fromkeys(r["set"] for r in rows):
        print(name, summary([r for r in rows if r["set"] == name]), file=sys.stderr)


if __name__ == "__main__":
    main()
