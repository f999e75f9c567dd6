"""Grounding bench, LLM mode: the real local model (`../shared/tools/local-llm.sh`) behind the
service (`Answerer.ask` / `Answerer.brief`), in one long-lived process. Bench only, never CI.

    set -a; . ~/.cache/citebot-local-llm/env; set +a
    nice -n 10 .venv/bin/python -m bench.grounding_llm --dir OUT [--sets seed_qa injection ...]
    .venv/bin/python -m bench.grounding_llm --dir OUT --replay   # re-check recorded replies

Every request the service sends the model and its reply are recorded in OUT/model_calls.jsonl
(keyed by the exact messages); a later run answers from that record when the messages are the
same, so the checker can be changed and re-measured on the same real replies without asking the
model again (`--replay`: never call the model; a reply not recorded is a model failure). Rows
are written as each answer is ready (`ask --json` fields + id, set, kind, expected, seconds), one
file per set (OUT/grounding_llm_SET.jsonl); a set's rows already written are not asked again
unless `--replay`. Count unsupported claims with `bench/unsupported_claims.py OUT/*.jsonl`.
Sets: docs_dev (every unanswerable + 12 answerables; docs_dev_all adds the rest, one file at a
time), heldout_seeds / heldout_xquad (bench/data/grounding_heldout.jsonl: checking only).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.grounding import EVAL, HELDOUT, OFF_TOPIC, contains_all, index_of, load
from bot.llm import Delta, LLMWriter, Message
from bot.prompts import Prompts
from bot.service import Answerer
from bot.settings import Settings
from index.errors import LLMError
from tests.conftest import REPO, SEEDS

INJECTION = REPO / "bench" / "injection"
DOCS_IDS = {  # docs_dev: every unanswerable + 12 answerables spread over files and kinds
    *(f"docs-dev-{n:03d}" for n in range(50, 65)),
    *(f"docs-dev-{n:03d}" for n in (1, 5, 11, 16, 21, 23, 28, 33, 35, 37, 42, 45)),
}
BRIEF_TOPICS = ["производство электромобилей", "electric car makers"]
SETS = (
    "seed_qa", "injection", "docs_dev", "briefings", "injection_topic", "xquad60", "docs_dev_all",
    "heldout_seeds", "heldout_xquad",
)
INDEX = {"docs_dev_all": "docs_dev", "heldout_seeds": "seed_qa", "heldout_xquad": "xquad60"}
NOTICES = {"injection": "notice.txt", "injection_topic": "notice_topic.txt"}


class RecordedModel:
    """The real model's client, every call recorded; answers from the record when it has one."""

    def __init__(self, client: Any, record: Path, *, replay_only: bool = False) -> None:
        self.client, self.record, self.replay_only = client, record, replay_only
        self.replies: dict[str, str] = {}
        self.seconds = 0.0
        self.missed = False  # a reply was asked for that the record does not hold (replay)
        if record.exists():
            for row in load(record):
                if row.get("reply"):
                    self.replies[row["key"]] = row["reply"]

    @property
    def available(self) -> bool:
        return True

    @staticmethod
    def key(messages: list[Message]) -> str:
        return hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode()).hexdigest()[:20]

    async def complete(
        self, messages: list[Message], on_delta: Delta | None = None, notice: str = ""
    ) -> str:
        key = self.key(messages)
        if key in self.replies:
            return self.replies[key]
        if self.replay_only or self.client is None:
            self.missed = True
            raise LLMError("not recorded")
        started = time.perf_counter()
        error = None
        try:
            reply = await self.client.complete(messages)
        except LLMError as err:
            error, reply = str(err), ""
        seconds = round(time.perf_counter() - started, 1)
        self.seconds += seconds
        row = {"key": key, "messages": messages, "reply": reply, "error": error, "s": seconds}
        with self.record.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        if error:
            raise LLMError(error)
        self.replies[key] = reply
        return reply


def questions(name: str) -> tuple[Path, list[dict[str, Any]]]:
    """The sources folder and the questions of a set."""
    if name == "seed_qa":
        return SEEDS, load(EVAL / "seed_qa.jsonl")
    if name == "injection":
        return INJECTION, load(INJECTION / "questions.jsonl")
    if name == "injection_topic":
        return INJECTION, load(INJECTION / "questions_topic.jsonl")
    if name in ("docs_dev", "docs_dev_all"):  # unanswerables first, then the answerables
        qs = load(EVAL / "docs_dev" / "questions.jsonl")
        rank: dict[str, int] = {}  # the others one file at a time: all files covered early
        for q in qs:
            if q["answers"] and q["id"] not in DOCS_IDS:
                rank[q["id"]] = sum(r.get("source") == q.get("source") for r in qs[: qs.index(q)])
        qs = sorted(qs, key=lambda q: (bool(q["answers"]), q["id"] not in DOCS_IDS,
                                       rank.get(q["id"], 0)))
        return EVAL / "docs_dev" / "corpus", [
            q for q in qs if name == "docs_dev_all" or q["id"] in DOCS_IDS
        ]
    if name.startswith("heldout_"):  # for checking only, never for tuning
        part = name.removeprefix("heldout_")
        folder = SEEDS if part == "seeds" else EVAL / "xquad_dev" / "corpus"
        return folder, [q for q in load(HELDOUT) if q["corpus"] == part]
    if name == "briefings":
        return SEEDS, [
            {"id": f"brief-{i}", "question": t, "answers": [], "brief": True}
            for i, t in enumerate(BRIEF_TOPICS, 1)
        ]
    sample = [  # the 60-question sample of bench.grounding, interleaved ru/en (ids made unique)
        {**q, "id": f"{q.get('lang', '')}-{q['id']}"} for pair in zip(*(
            load(EVAL / "xquad_dev" / f"questions.{lang}.jsonl")[::21][:30] for lang in ("ru", "en")
        ), strict=True) for q in pair
    ]
    return EVAL / "xquad_dev" / "corpus", sample


def sources_of(name: str, folder: Path, tmp: Path) -> Path:
    """An injection set reads the seeds plus its notice; the others their folder as is."""
    if name not in NOTICES:
        return folder
    out = tmp / f"{name}-sources"
    if not out.exists():
        shutil.copytree(SEEDS, out)
        shutil.copy(INJECTION / NOTICES[name], out / NOTICES[name])
    return out


def kind_of(q: dict[str, Any]) -> str:
    if "kind" in q:
        return str(q["kind"])
    if q.get("brief"):
        return "briefing"
    if q["answers"]:
        return "answerable"
    return "off-topic" if q["id"] in OFF_TOPIC else "on-topic"


async def run_set(
    name: str, model: RecordedModel, data: Path, out: Path, fresh: bool, limit: int | None
) -> None:
    folder, qs = questions(name)
    path = out / f"grounding_llm_{name.removesuffix('_all')}.jsonl"  # docs_dev_all adds rows
    if fresh and path.exists():
        path.unlink()
    done = {r["id"] for r in load(path)} if path.exists() else set()
    todo = [q for q in qs[:limit] if q["id"] not in done]
    if not todo:
        return
    index = index_of(data, INDEX.get(name, name), sources_of(name, folder, data))
    settings = Settings(data_dir=data / "state")  # OPENAI_* / CITEBOT_LLM_* from the environment
    answerer = Answerer.from_settings(settings, library=index)
    answerer.writer = LLMWriter(model, Prompts.load(settings.prompts_dir))
    for q in todo:
        started, model_s = time.perf_counter(), model.seconds
        model.missed = False
        if q.get("brief"):
            a = await answerer.brief(q["question"])
        else:
            a = await answerer.ask("bench", q["question"], remember=False)
        if model.missed:
            continue  # replay: this question was not asked in the recorded run
        row = a.to_json()
        kind = kind_of(q)
        row.update(
            id=q["id"], set=name, lang=q.get("lang"), kind=kind, expected=q["answers"],
            hit=kind == "answerable" and not a.refused and contains_all(a.text, q["answers"]),
            s=round(time.perf_counter() - started, 1), model_s=round(model.seconds - model_s, 1),
        )
        if kind == "briefing":
            row.pop("expected")  # not a question: the counter's recall ignores it
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{time.strftime('%H:%M:%S')} {name} {q['id']} {row['mode']} "
              f"refused={a.refused} {row['s']}s", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="rows and the model-call record")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--replay", action="store_true", help="recorded replies only")
    parser.add_argument("--limit", type=int, default=None, help="first N questions of each set")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse indexes here")
    parser.add_argument("--calls", type=Path, default=None, help="the model-call record "
                        "(default DIR/model_calls.jsonl)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    client = None
    if not args.replay:
        from bot.llm import LLMClient

        client = LLMClient.from_settings(Settings())
    calls = args.calls or args.dir / "model_calls.jsonl"
    model = RecordedModel(client, calls, replay_only=args.replay)

    async def run_all(data: Path) -> None:  # one event loop: the client's connections live in it
        for name in args.sets:
            await run_set(name, model, data, args.dir, args.replay, args.limit)

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run_all(args.data_dir or Path(tmp)))


if __name__ == "__main__":
    main()
