"""Answer quality of the offline (extractive) answerer, and the calibration of its refusal.

    .venv/bin/python -m bench.answers              # measure, write bench/results/answers.md
    .venv/bin/python -m bench.answers --calibrate  # print refusal thresholds from the dev data

Answer recall: the answer text (≤ 400 characters, 1-3 sentences) contains every required fact and
is not a refusal. xquad_dev is asked in Russian and in English against its Russian corpus (reported
apart). Its questions are all answerable, so unanswerable ones are made from them: the same
question with its own article removed from the retrieved passages ("other-article negatives"),
and, much harder, with only the passages of its article that hold the answer removed ("on-topic
negatives": the same entities are there, the asked-for fact is not).

Calibration: the refusal threshold depends on the language pair (an English question about Russian
text scores lower), so there is one for the same language (dev: xquad ru + seed ru) and one across
languages (xquad en + seed en). Each is the highest threshold that still answers 95 % of the
answerable dev questions (false refusals ≤ 5 %); Youden's J is printed for comparison.
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

import numpy as np

from bot.extractive import THRESHOLD_CROSS, THRESHOLD_SAME, ExtractiveResponder, is_russian
from bot.service import Answerer
from bot.settings import Settings
from index.search_index import SearchIndex
from tests.conftest import REPO, SEEDS

EVAL = REPO.parent / "shared" / "eval"
XQUAD = EVAL / "xquad_dev"
OUT = REPO / "bench" / "results" / "answers.md"
MAX_FALSE_REFUSALS = 0.05

# Follow-up pairs on the seed (written for this bench): first question, follow-up, facts.
FOLLOW_UPS = [
    ("Когда обанкротилась Zhidou?", "А кто ей помог?", [["Aima", "Geely"]]),
    ("Что случилось с Haima в январе?", "А над какой моделью она работает?", [["EX00"]]),
    ("Что прекратила Aiways в прошлом году?", "На какой рынок будет ориентирован этот бренд?",
     [["экспорт"]]),
    ("Who visited the Zhidou plant?", "Which province is he the governor of?", [["Ганьсу"]]),
    ("What new car will Zhidou release?", "When will it be released?", [["апрел"]]),
    ("Что такое «новая производительная сила»?", "Кто придумал этот лозунг?", [["Си Цзиньпин"]]),
]  # fmt: skip


def load(path: Path) -> list[dict[str, Any]]:
    """A questions file (one JSON object a line)."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def contains_all(text: str, facts: list[list[str]]) -> bool:
    """The eval README's matching rule."""
    flat = " ".join(text.lower().split())
    return all(any(" ".join(v.lower().split()) in flat for v in fact) for fact in facts)


def library(data: Path, name: str, sources: Path) -> SearchIndex:
    """An index of `sources` in `data/name` (ingested if needed)."""
    settings = Settings(_env_file=None, data_dir=data / name, sources_dir=sources)  # type: ignore[call-arg]
    lib = SearchIndex.from_settings(settings)
    lib.ingest()
    return lib


def holds_answer(text: str, q: dict[str, Any]) -> bool:
    """True when `text` contains any variant of any of the question's facts."""
    flat = " ".join(text.lower().split())
    return any(" ".join(v.lower().split()) in flat for fact in q["answers"] for v in fact)


def answer_rows(
    lib: SearchIndex,
    questions: list[dict[str, Any]],
    exclude_own: bool = False,
    exclude_gold: bool = False,
) -> list[dict[str, Any]]:
    """Answer every question offline; with `exclude_own`, without its source article; with
    `exclude_gold`, without the passages of its article that hold the answer (the rest of the
    article stays: same entities, no answer). Each row keeps the best sentence score and whether
    it crossed languages, for the calibration."""
    responder = ExtractiveResponder(lib.embedder.encode)
    rows = []
    for q in questions:
        negative = exclude_own or exclude_gold
        passages = lib.retrieve(q["question"], 30 if negative else 5)
        if exclude_own:
            passages = [p for p in passages if p.source != q.get("source")][:5]
        elif exclude_gold:
            passages = [
                p for p in passages if not (p.source == q.get("source") and holds_answer(p.text, q))
            ][:5]
        ranked = responder.rank(q["question"], passages)
        a = responder.respond(q["question"], passages)
        text = " ".join(s.text for s in responder.select(ranked)) if ranked else ""
        rows.append(
            {
                "refused": a.refused,
                "hit": bool(q["answers"]) and not a.refused and contains_all(a.text, q["answers"]),
                "hit_unrefused": bool(q["answers"]) and contains_all(text, q["answers"]),
                "answerable": bool(q["answers"]) and not negative,
                "on_topic": exclude_gold,
                "chars": len(" ".join(c.quote for c in a.citations)),
                "sentences": len(a.citations),
                "best": ranked[0].score if ranked else -1.0,
                "cross": bool(ranked) and is_russian(q["question"]) != is_russian(ranked[0].text),
            }
        )
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Recall and refusal rates of answered rows."""
    pos = [r for r in rows if r["answerable"]]
    neg = [r for r in rows if not r["answerable"]]
    answered = [r for r in rows if not r["refused"]]
    return {
        "n": len(rows),
        "recall": sum(r["hit"] for r in pos) / len(pos) if pos else float("nan"),
        "ceiling": sum(r["hit_unrefused"] for r in pos) / len(pos) if pos else float("nan"),
        "false_refusals": sum(r["refused"] for r in pos) / len(pos) if pos else float("nan"),
        "refused_unanswerable": sum(r["refused"] for r in neg) / len(neg) if neg else float("nan"),
        "mean_chars": float(np.mean([r["chars"] for r in answered])) if answered else 0.0,
        "mean_sentences": float(np.mean([r["sentences"] for r in answered])) if answered else 0.0,
    }


async def follow_up_recall(lib: SearchIndex, rewrite: bool) -> float:
    """Share of follow-ups answered with the facts, with or without the offline rewrite."""
    found = 0
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), memory_turns=6 if rewrite else 0)  # type: ignore[call-arg]
        answerer = Answerer.from_settings(settings, library=lib)
        for i, (first, follow, facts) in enumerate(FOLLOW_UPS):
            await answerer.ask(f"f{i}", first, remember=rewrite)
            a = await answerer.ask(f"f{i}", follow, remember=rewrite)
            found += not a.refused and contains_all(a.text, facts)
    return found / len(FOLLOW_UPS)


def thresholds(rows: list[dict[str, Any]]) -> list[str]:
    """Per language pair: the threshold with ≤ 5 % false refusals, and Youden's J optimum."""
    out = []
    for cross, name in ((False, "THRESHOLD_SAME"), (True, "THRESHOLD_CROSS")):
        p = np.sort([r["best"] for r in rows if r["answerable"] and r["cross"] == cross])
        n = np.array([r["best"] for r in rows if not r["answerable"] and r["cross"] == cross])
        if not len(p) or not len(n):
            continue
        th = float(p[int(MAX_FALSE_REFUSALS * len(p))])
        jb, jt = max(
            (float((n < t).mean() - (p < t).mean()), float(t)) for t in np.arange(0, 1, 0.005)
        )
        out.append(
            f"{name} = {th:.3f} (answerable n={len(p)}: false refusals {np.mean(p < th):.3f}; "
            f"unanswerable n={len(n)}: refused {np.mean(n < th):.3f}; Youden J max {jb:.3f} at "
            f"{jt:.3f}, where false refusals are {np.mean(p < jt):.3f})"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse indexes here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or Path(tmp)
        seed = library(data, "seed", SEEDS)
        xq = library(data, "xquad", XQUAD / "corpus")
        started = time.perf_counter()
        rows = {"seed_qa": answer_rows(seed, load(EVAL / "seed_qa.jsonl"))}
        for lang in ("ru", "en"):
            qs = load(XQUAD / f"questions.{lang}.jsonl")
            rows[f"xquad {lang}"] = answer_rows(xq, qs)
            rows[f"xquad {lang}, other-article negatives"] = answer_rows(xq, qs, exclude_own=True)
            rows[f"xquad {lang}, on-topic negatives"] = answer_rows(xq, qs, exclude_gold=True)
        calibration = thresholds([r for rs in rows.values() for r in rs if not r["on_topic"]])
        if args.calibrate:
            print("\n".join(calibration))
            return
        follow = {
            "with rewrite": asyncio.run(follow_up_recall(seed, True)),
            "without": asyncio.run(follow_up_recall(seed, False)),
        }
        results = {name: summary(rs) for name, rs in rows.items()}
        report = render(results, follow, calibration, time.perf_counter() - started)
    print(report)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(report, "utf-8")
    print(f"written to {OUT}", file=sys.stderr)


def render(
    results: dict[str, dict[str, float]],
    follow: dict[str, float],
    calibration: list[str],
    seconds: float,
) -> str:
    """The markdown report."""
    lines = [
        "# Answer quality (offline, extractive)",
        "",
        "Measured by `python -m bench.answers` (top_k 5, answers ≤ 400 characters, 1-3 sentences).",
        "",
        "| set | questions | answer recall | recall if never refusing | false refusals "
        "| unanswerable refused | mean answer chars | mean sentences |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        cells = [f"{r[k]:.3f}" if r[k] == r[k] else "—" for k in
                 ("recall", "ceiling", "false_refusals", "refused_unanswerable")]  # fmt: skip
        lines.append(
            f"| {name} | {r['n']:.0f} | {' | '.join(cells)} "
            f"| {r['mean_chars']:.0f} | {r['mean_sentences']:.2f} |"
        )
    lines += [
        "",
        f"Follow-up pairs on the seed ({len(FOLLOW_UPS)}, written for this bench): answer recall "
        f"{follow['with rewrite']:.2f} with the offline rewrite (previous turn's entities carried "
        f"into retrieval), {follow['without']:.2f} without memory.",
        "",
        "## Refusal calibration",
        "",
        f"In use: same language {THRESHOLD_SAME}, across languages {THRESHOLD_CROSS} "
        "(`bot/extractive.py`; `CITEBOT_REFUSAL_THRESHOLD` moves both). Criterion: per language "
        "pair, the highest threshold that still answers 95 % of the answerable dev questions "
        "(xquad_dev + seed_qa); unanswerable = seed_qa's plus xquad questions asked without "
        "their own article. Recomputed on this run:",
        "",
        *[f"- {line}" for line in calibration],
        "",
        f"Run time {seconds:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
