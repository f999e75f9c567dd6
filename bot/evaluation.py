"""`citebot eval`: every question of a QA file through the real pipeline, measured.

Question format: `../shared/eval/README.md` (id, lang, question, answers = list of facts, each a
list of variants; an empty list means unanswerable; source = the file holding the answer).
A retrieved passage is *relevant* when it comes from the question's source file and contains one
of the answer variants (case-insensitive, whitespace collapsed)."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.types import Passage

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Question:
    """One evaluation question."""

    id: str
    lang: str
    question: str
    answers: list[list[str]]
    source: str | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass
class Outcome:
    """What happened to one question (a line of the per-question output file)."""

    id: str
    lang: str
    question: str
    answerable: bool
    rank: int | None  # 1-based rank of the first relevant passage, None if not retrieved
    top1_source: str
    top1_locator: str
    top1_chars: int
    retrieval_ms: float
    answer: str
    refused: bool
    facts_found: bool  # the answer contains every required fact
    cited_relevant: bool  # a cited passage is relevant
    answer_ms: float


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSONL file (blank lines ignored)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            out.append(
                Question(
                    id=str(raw.get("id", n)), lang=str(raw.get("lang", "")),
                    question=str(raw["question"]),
                    answers=[[str(v) for v in fact] for fact in raw.get("answers", [])],
                    source=raw.get("source"),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a question ({exc})") from exc
    return out


def normalize(text: str) -> str:
    """Lowercase with whitespace collapsed."""
    return " ".join(text.lower().split())


def _from_source(q: Question, source: str) -> bool:
    return q.source is None or source == q.source or source.endswith("/" + q.source)


def is_relevant(q: Question, passage: Passage) -> bool:
    """From the question's source file and containing one of the answer variants."""
    text = normalize(passage.text)
    return _from_source(q, passage.source) and any(
        normalize(v) in text for fact in q.answers for v in fact
    )


def has_all_facts(q: Question, text: str) -> bool:
    """The text contains a variant of every required fact."""
    t = normalize(text)
    return all(any(normalize(v) in t for v in fact) for fact in q.answers)


def first_relevant(q: Question, passages: list[Passage]) -> int | None:
    """1-based rank of the first relevant passage."""
    return next((i for i, p in enumerate(passages, start=1) if is_relevant(q, p)), None)


async def run_questions(
    questions: Iterable[Question], library: Any, answerer: Any, k: int,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Retrieve (top k) and answer every question, each on its own (no conversation)."""
    library.retrieve("warm up", 1)  # loads the model and builds the retriever: not timed
    out = []
    for n, q in enumerate(questions, start=1):
        t0 = time.perf_counter()
        passages = await asyncio.to_thread(library.retrieve, q.question, k)
        t1 = time.perf_counter()
        answer = await answerer.ask(f"eval-{q.id}", q.question, remember=False)
        t2 = time.perf_counter()
        top = passages[0] if passages else None
        cited = [c.passage for c in answer.citations]
        out.append(
            Outcome(
                id=q.id, lang=q.lang, question=q.question, answerable=q.answerable,
                rank=first_relevant(q, passages) if q.answerable else None,
                top1_source=top.source if top else "", top1_locator=top.locator if top else "",
                top1_chars=len(top.text) if top else 0, retrieval_ms=(t1 - t0) * 1000,
                answer=answer.text, refused=answer.refused,
                facts_found=q.answerable and not answer.refused and has_all_facts(q, answer.text),
                cited_relevant=any(is_relevant(q, p) for p in cited) if q.answerable else False,
                answer_ms=(t2 - t1) * 1000,
            )
        )
        if progress:
            progress(n)
    return out


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 2)


def summarize(outcomes: list[Outcome], k: int, ingest_s: float | None = None) -> dict[str, Any]:
    """The metrics of `citebot eval` (see the module doc and issue 3 for their meaning)."""
    ans = [o for o in outcomes if o.answerable]
    una = [o for o in outcomes if not o.answerable]
    answered = [o for o in ans if not o.refused]
    texts = [o for o in outcomes if not o.refused]
    depth = min(k, 10)
    return {
        "n": len(outcomes),
        "answerable": len(ans),
        "unanswerable": len(una),
        "hit_at_1": _share(sum(o.rank == 1 for o in ans), len(ans)),
        "hit_at_5": _share(sum(o.rank is not None and o.rank <= 5 for o in ans), len(ans)),
        "mrr_at_10": round(
            sum(1 / o.rank for o in ans if o.rank and o.rank <= depth) / len(ans), 4
        ) if ans else None,
        "mean_top1_chars": round(statistics.fmean(o.top1_chars for o in outcomes), 1)
        if outcomes else None,
        "answer_recall": _share(sum(o.facts_found for o in ans), len(ans)),
        "mean_answer_chars": round(statistics.fmean(len(o.answer) for o in texts), 1)
        if texts else None,
        "refusal_rate_unanswerable": _share(sum(o.refused for o in una), len(una)),
        "false_refusal_rate": _share(sum(o.refused for o in ans), len(ans)),
        "citation_precision": _share(sum(o.cited_relevant for o in answered), len(answered)),
        "p50_ms": _pct([o.retrieval_ms + o.answer_ms for o in outcomes], 50),
        "p95_ms": _pct([o.retrieval_ms + o.answer_ms for o in outcomes], 95),
        "retrieval_p50_ms": _pct([o.retrieval_ms for o in outcomes], 50),
        "retrieval_p95_ms": _pct([o.retrieval_ms for o in outcomes], 95),
        "ingest_s": None if ingest_s is None else round(ingest_s, 2),
        "k": k,
    }


def report(
    outcomes: list[Outcome], k: int, ingest_s: float | None, by_lang: bool
) -> dict[str, Any]:
    """Overall metrics, plus "by_lang" (one metrics object per language) when asked."""
    summary = summarize(outcomes, k, ingest_s)
    if by_lang:
        langs = sorted({o.lang for o in outcomes})
        summary["by_lang"] = {
            lang: summarize([o for o in outcomes if o.lang == lang], k) for lang in langs
        }
    return summary


def write_outcomes(outcomes: list[Outcome], path: Path) -> None:
    """One JSON object per question, for error analysis."""
    with path.open("w", encoding="utf-8") as fh:
        for o in outcomes:
            fh.write(json.dumps(asdict(o), ensure_ascii=False) + "\n")


_ROWS = [
    ("questions (answerable / unanswerable)", None),
    ("hit@1", "hit_at_1"), ("hit@5", "hit_at_5"), ("MRR@10", "mrr_at_10"),
    ("mean top-1 chars", "mean_top1_chars"), ("answer recall", "answer_recall"),
    ("mean answer chars", "mean_answer_chars"),
    ("refusal rate (unanswerable)", "refusal_rate_unanswerable"),
    ("false refusal rate", "false_refusal_rate"), ("citation precision", "citation_precision"),
    ("p50 / p95 ms per question", None), ("retrieval p50 / p95 ms", None), ("ingest s", "ingest_s"),
]


def render_table(summary: dict[str, Any]) -> str:
    """A plain-text table: one column overall, one per language when present."""
    cols = [("all", summary), *summary.get("by_lang", {}).items()]

    def cell(m: dict[str, Any], label: str, key: str | None) -> str:
        if label.startswith("questions"):
            return f"{m['n']} ({m['answerable']} / {m['unanswerable']})"
        if label.startswith("p50"):
            return f"{m['p50_ms']} / {m['p95_ms']}"
        if label.startswith("retrieval"):
            return f"{m['retrieval_p50_ms']} / {m['retrieval_p95_ms']}"
        value = m.get(key or "")
        return "–" if value is None else str(value)

    width = max(len(label) for label, _ in _ROWS)
    lines = [" " * width + "  " + "  ".join(f"{name:>16}" for name, _ in cols)]
    for label, key in _ROWS:
        cells = "  ".join(f"{cell(m, label, key):>16}" for _, m in cols)
        lines.append(f"{label:<{width}}  {cells}")
    return "\n".join(lines)


def evaluate(
    settings: Any,
    questions_path: Path,
    corpus: Path | None = None,
    *,
    k: int = 10,
    by_lang: bool = False,
    out: Path | None = None,
    ingest_progress: Callable[[int], Callable[[str, int], None]] | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], list[Outcome]]:
    """Run the evaluation. With `corpus`, a temporary embedded index of that folder is built
    (and timed) first and the user's own index is not touched; otherwise the configured index
    is used (indexed first if empty, as `ask` does)."""
    import tempfile

    from bot.runtime import open_runtime

    questions = load_questions(questions_path)
    with tempfile.TemporaryDirectory(prefix="citebot-eval-") as tmp:
        if corpus is not None:
            settings = settings.model_copy(
                update={"data_dir": Path(tmp), "sources_dir": corpus.resolve(),
                        "chroma_url": "", "collection": "citebot-eval"}
            )
        with open_runtime(settings, progress=ingest_progress) as runtime:
            outcomes = asyncio.run(
                run_questions(questions, runtime.index, runtime.answerer, k, progress)
            )
            ingest_s = runtime.ingest_s
    if out is not None:
        write_outcomes(outcomes, out)
    return report(outcomes, k, ingest_s, by_lang), outcomes
