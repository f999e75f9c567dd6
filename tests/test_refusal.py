"""On-topic unanswerables about the seed: the entity is in the sources, the asked-for fact is
not. Hand-written for this test (not dev data); the ones the offline answerer still answers with
a loosely related sentence are marked xfail, as a record of the gap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.extractive import relation_support
from bot.questions import relation_terms
from bot.service import Answerer
from index.search_index import SearchIndex
from index.text import sound_keys
from tests.conftest import make_settings

REFUSED = [
    "Кто возглавляет Aiways?",
    "Где находится штаб-квартира Aiways?",
    "How many cars did Aiways sell last year?",
    "Какой запас хода у Zhidou Rainbow?",  # a range needs a distance (bot/slots.py)
    "What is the top speed of the Zhidou Rainbow?",  # a speed needs a unit of speed
]
GAP = [
    "In which year was Haima founded?",  # a date is no hard slot: "after the war" answers too
]
ANSWERED = [
    pytest.param(
        "В каком году Zhidou стала банкротом?",
        "2019",
        marks=pytest.mark.xfail(reason="refused before this change too (weak paraphrase)"),
    ),
    ("In what year did Zhidou become bankrupt?", "2019"),
    ("Which city's government took over Haima?", "Чжэнчжоу"),
]


@pytest.fixture
def answerer(seed_library: SearchIndex, tmp_path: Path) -> Answerer:
    return Answerer.from_settings(make_settings(tmp_path), library=seed_library)


@pytest.mark.parametrize("question", REFUSED)
async def test_on_topic_unanswerable_is_refused(answerer: Answerer, question: str) -> None:
    answer = await answerer.ask("t", question)
    assert answer.refused and not answer.citations


@pytest.mark.xfail(reason="answered with a sentence about the entity, not the fact", strict=False)
@pytest.mark.parametrize("question", GAP)
async def test_on_topic_unanswerable_gap(answerer: Answerer, question: str) -> None:
    answer = await answerer.ask("t", question)
    assert answer.refused


@pytest.mark.parametrize(("question", "fact"), ANSWERED)
async def test_on_topic_answerable_is_answered(
    answerer: Answerer, question: str, fact: str
) -> None:
    answer = await answerer.ask("t", question)
    assert not answer.refused and fact in answer.text


def test_relation_terms_leave_out_the_shared_entity() -> None:
    known = sound_keys("Zhidou обанкротилась в 2019 году")
    assert relation_terms("When did Zhidou go bankrupt in 2019?", known) == ["bankrupt"]
    assert "unknownco" in relation_terms("Who runs UnknownCo?", known)


def test_relation_support_crosses_languages(seed_library: SearchIndex) -> None:
    texts = ["Компания обанкротилась в 2019 году.", "Компания выпустит электромобиль в апреле."]
    encode = seed_library.embedder.encode
    support = relation_support(encode, "When did it go bankrupt?", texts, set())
    assert support.shape == (2, 1) and support[0, 0] > support[1, 0]
    assert np.all((support >= 0) & (support <= 1))
