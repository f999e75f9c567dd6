"""`citebot chat` and `citebot brief` as a user runs them (subprocess, offline, fresh data dir)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SEEDS
from tests.fake_openai import FakeOpenAI


def citebot(
    args: list[str], tmp_path: Path, stdin: str = "", **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CITEBOT_", "OPENAI_", "LC_", "LANG"))}
    env |= extra | {
        "LANG": "C.UTF-8",  # no language from the locale: the question's language decides
        "CITEBOT_DATA_DIR": str(tmp_path / "data"),
        "CITEBOT_SOURCES_DIR": str(SEEDS),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_chat_follow_up_sources_and_reset(tmp_path: Path) -> None:
    script = "Когда обанкротилась Zhidou?\nА кто ей помог?\n/sources\n/reset\n/quit\n"
    proc = citebot(["chat"], tmp_path, script)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "2019" in out and ("Aima" in out or "Geely" in out)
    # Russian questions and no locale: Russian headings, and the commands follow the questions
    assert out.count("Источники:") == 2 and "Источники к вопросу:" in out
    assert "Разговор забыт." in out and "Traceback" not in proc.stderr
    english = citebot(["chat"], tmp_path, script, CITEBOT_LANGUAGE="en")
    assert english.stdout.count("Sources:") == 2 and "Sources for:" in english.stdout
    assert "Conversation forgotten." in english.stdout


def test_brief_json(tmp_path: Path) -> None:
    proc = citebot(["brief", "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["citations"] and not payload["refused"] and len(payload["answer"]) <= 1500


def test_chat_with_an_llm_keeps_one_client_across_turns(
    tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    def reply(body: dict) -> str:  # a supported answer: a sentence quoted from a document
        prompt = body["messages"][-1]["content"]
        docs = re.findall(r'<document n="(\d+)"[^>]*>\n(.*?)\n</document>', prompt, re.S)
        if not docs:
            return "Кто помог Zhidou?"
        n, text = next(((k, t) for k, t in docs if "2019" in t), docs[0])
        return re.split(r"(?<=[.!?])\s+", " ".join(text.split()))[0] + f" [{n}]"

    fake_openai.reply(reply)
    script = "Когда обанкротилась Zhidou?\nА кто ей помог?\n/quit\n"
    proc = citebot(
        ["chat"], tmp_path, script, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake_openai.url
    )
    assert proc.returncode == 0, proc.stderr
    assert "2019" in proc.stdout and "[1]" in proc.stdout, proc.stdout
    assert len(fake_openai.requests) == 3  # answer, condense, answer
