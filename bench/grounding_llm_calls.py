"""Recorded real-model calls through the claim checker alone, independent of retrieval.

    .venv/bin/python -m bench.grounding_llm_calls CALLS.jsonl [...] --out checked.jsonl
    .venv/bin/python -m bench.grounding_llm_calls --diff before.jsonl after.jsonl

Every recorded call (`bench/grounding_llm.py`'s model_calls.jsonl: the exact messages and the
model's reply) is checked by `Grounding` against the documents of its own prompt, as the
recorded-reply tests do (no offline fallback: an unsupported answer is a refusal here). A
checker change is measured on every real reply ever recorded, also those whose prompts today's
retrieval no longer produces. `--diff` lists the calls whose shown text changed, for reading by
hand, and counts answered / refused / shown-with-gold per column.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from bench.grounding import EVAL, contains_all, load
from bot.claims import ClaimChecker
from bot.grounding import Grounding
from index.encoders.usem3 import Usem3Encoder
from index.types import Passage
from tests.conftest import REPO

_DOC = re.compile(
    r'<document n="(\d+)" source="([^"]*)" locator="([^"]*)">\n(.*?)\n</document>', re.S
)


def passages(prompt: str) -> list[Passage]:
    """The numbered documents of a prompt as passages."""
    return [
        Passage(id=f"p{n}", text=t, source=s, locator=loc, start=0, end=len(t), score=1.0)
        for n, s, loc, t in _DOC.findall(prompt)
    ]


def gold() -> dict[str, list[list[str]]]:
    """Every dev question's gold answers, by question text."""
    files = [EVAL / "seed_qa.jsonl", EVAL / "docs_dev" / "questions.jsonl",
             REPO / "bench" / "injection" / "questions.jsonl",
             REPO / "bench" / "injection" / "questions_topic.jsonl",
             *(EVAL / "xquad_dev" / f"questions.{lang}.jsonl" for lang in ("ru", "en"))]
    return {q["question"]: q["answers"] for f in files for q in load(f)}


def check(calls: list[Path]) -> list[dict[str, Any]]:
    """One row per distinct recorded reply: what the checker shows for it."""
    grounding = Grounding(ClaimChecker(Usem3Encoder().encode))
    answers = gold()
    rows, seen = [], set()
    for path in calls:
        for call in load(path):
            if not call.get("reply") or call["key"] in seen:
                continue
            seen.add(call["key"])
            prompt = call["messages"][-1]["content"]
            docs = passages(prompt)
            q = re.search(r"\nQuestion: (.*)\n", prompt)
            if q:
                a = grounding.answer(q.group(1), call["reply"], docs)
            else:
                a = grounding.briefing("brief", call["reply"], docs)
            expected = answers.get(q.group(1)) if q else None
            rows.append({
                "key": call["key"], "question": q.group(1) if q else "brief",
                "reply": call["reply"], "shown": "" if a.refused else a.text,
                "refused": a.refused, "dropped": list(a.dropped_claims), "expected": expected,
                "hit": bool(expected) and not a.refused and contains_all(a.text, expected or []),
            })
    return rows


def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    """Counts per column, then every reply whose shown text changed."""
    old = {r["key"]: r for r in before}
    out = []
    for name, rows in (("before", before), ("after", [r for r in after if r["key"] in old])):
        pos = [r for r in rows if r["expected"]]
        out.append(
            f"{name}: replies {len(rows)}, shown {sum(not r['refused'] for r in rows)}, "
            f"answerable {len(pos)} hit {sum(r['hit'] for r in pos)} "
            f"refused {sum(r['refused'] for r in pos)}, "
            f"unanswerable shown {sum(not r['refused'] for r in rows if r['expected'] == [])}"
        )
    for r in after:
        b = old.get(r["key"])
        if b and (b["shown"], b["refused"]) != (r["shown"], r["refused"]):
            out.append(f"\n## {r['question']} (gold {r['expected']})\nreply: {r['reply']}\n"
                       f"before: {b['shown'] or '(refused)'}\nafter:  {r['shown'] or '(refused)'}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("calls", nargs="*", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--diff", nargs=2, type=Path)
    args = parser.parse_args()
    if args.diff:
        print(diff(load(args.diff[0]), load(args.diff[1])))
        return
    rows = check(args.calls)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.out:
        args.out.write_text(text, "utf-8")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
