"""Answers about the seed article, offline: cited, cross-lingual, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.service import Answerer
from index.search_index import SearchIndex
from tests.conftest import DATA, SEED_FILE, make_settings

QUESTIONS = [json.loads(line) for line in (DATA / "seed_qa.jsonl").read_text("utf-8").splitlines()]
ANSWERABLE = [q for q in QUESTIONS if q["answers"]]


@pytest.fixture
def answerer(seed_library: SearchIndex, tmp_path: Path) -> Answerer:
    return Answerer.from_settings(make_settings(tmp_path), library=seed_library)


def _contains(text: str, variants: list[str]) -> bool:
    flat = " ".join(text.lower().split())
    return any(" ".join(v.lower().split()) in flat for v in variants)


async def test_bankruptcy_year_is_cited(answerer: Answerer) -> None:
    answer = await answerer.ask("t", "Когда обанкротилась Zhidou?")
    assert "2019" in answer.text and not answer.refused
    assert answer.citations and all(c.passage.source == SEED_FILE for c in answer.citations)
    assert any("2019" in c.quote for c in answer.citations)


async def test_english_question_about_russian_source(answerer: Answerer) -> None:
    answer = await answerer.ask("t", "When did Zhidou go bankrupt?")
    assert "2019" in answer.text and answer.citations[0].passage.source == SEED_FILE


async def test_unanswerable_question_is_refused(answerer: Answerer) -> None:
    answer = await answerer.ask("t", "Какова цена Zhidou Rainbow?")
    assert answer.refused and not answer.citations


@pytest.mark.parametrize("q", ANSWERABLE, ids=[q["id"] for q in ANSWERABLE])
def test_dev_question_passage_is_retrieved(seed_library: SearchIndex, q: dict) -> None:
    passages = seed_library.retrieve(q["question"], 3)
    text = " ".join(p.text for p in passages)
    for fact in q["answers"]:
        assert _contains(text, fact), f"{q['id']}: no passage in the top 3 holds {fact}"
