"""Briefings: cited, diverse key points offline; a checked written summary with an LLM."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.service import Answerer
from index.search_index import SearchIndex
from tests.conftest import SEED_FILE, make_settings
from tests.fake_openai import FakeOpenAI, Step
from tests.test_llm_answers import documents, llm_answerer


async def test_offline_brief_covers_the_distinct_stories(
    tmp_path: Path, seed_library: SearchIndex
) -> None:
    answerer = Answerer.from_settings(make_settings(tmp_path / "data"), library=seed_library)
    brief = await answerer.brief()
    assert not brief.refused and brief.mode == "extractive"
    assert len(brief.text) <= 1500
    for story in ("Zhidou", "Haima", "Aiways", "производительн"):
        assert story in brief.text, story
    lines = brief.text.splitlines()
    assert len(lines) >= 4 and all(re.search(r"\[\d+\]$", line) for line in lines)
    assert [c.n for c in brief.citations] == list(range(1, len(brief.citations) + 1))
    for c in brief.citations:
        assert c.passage.source == SEED_FILE and c.quote in " ".join(c.passage.text.split())


async def test_offline_brief_on_a_topic_leads_with_it(
    tmp_path: Path, seed_library: SearchIndex
) -> None:
    answerer = Answerer.from_settings(make_settings(tmp_path / "data"), library=seed_library)
    brief = await answerer.brief("Haima")
    assert "Haima" in brief.text.splitlines()[0] or "Haima" in brief.text
    assert brief.citations and len(brief.text) <= 1500


async def test_llm_brief_is_checked(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI
) -> None:
    def reply(body: dict[str, Any]) -> str:
        docs = documents(body["messages"][-1]["content"])
        n = next(k for k, t in docs.items() if "Haima" in t)
        return f"- Haima передала управление Чжэнчжоу [{n}].\n- Выдуманный пункт [99]."

    fake_openai.reply(reply)
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    brief = await answerer.brief()
    prompt = fake_openai.user_prompts()[-1]
    assert '<document n="1"' in prompt and "1500" in prompt and "Russian" in prompt
    assert brief.mode == "llm" and brief.text == "- Haima передала управление Чжэнчжоу [1]."
    assert len(brief.citations) == 1


async def test_llm_brief_failure_falls_back(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Step("error", status=502)
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    brief = await answerer.brief("Aiways")
    assert brief.mode == "extractive-fallback" and brief.note and "Aiways" in brief.text
