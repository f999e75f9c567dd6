"""A question's codes and percentages ("SEV2", "tw-eu-1", "70 %") pick one thing among its like:
only a passage that states them answers, not a closer-reading one about another level."""

from __future__ import annotations

import pytest

from bot.attestation import identifiers, states_identifiers
from bot.service import Answerer
from index.encoders.usem3 import Usem3Encoder
from index.search_index import SearchIndex
from index.types import Passage
from tests.conftest import make_settings


def test_identifiers_are_the_words_with_a_digit() -> None:
    assert identifiers("How quickly must a SEV2 incident be acknowledged?") == ["sev2"]
    assert identifiers("Какой урожай при пороге 70 % НВ в 2023 году?") == ["70"]
    assert identifiers("How many layers did DECnet phase 2 have after 100 years?") == []
    assert identifiers("Who founded the company?") == []


def test_a_passage_states_numbers_by_value_and_codes_as_words() -> None:
    text = "Threshold 1 000 mm; level SEV2."
    p = Passage(id="x", text=text, source="a.md", locator="¶1", start=0, end=len(text))
    assert states_identifiers(["1000", "sev2"], p)
    assert not states_identifiers(["sev1"], p)
    assert not states_identifiers(["100"], p)


_RUNBOOK = """# Pager runbook of the Quillfield data team

## On call

The on-call engineer must acknowledge every page within 5 minutes and open a bridge at once.
If a page is not acknowledged within 10 minutes, it escalates to the secondary engineer.

## SEV1 — Full outage

The incident commander takes over, and the status page is updated every 30 minutes.

## SEV2 — Degraded service

The on-call engineer must acknowledge a page of this level within 25 minutes and post an update
to the team channel every two hours.
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    sources = tmp_path_factory.mktemp("id-sources")
    (sources / "runbook.md").write_text(_RUNBOOK, encoding="utf-8")
    settings = make_settings(tmp_path_factory.mktemp("id-data"), sources)
    library = SearchIndex.from_settings(settings, embedder=Usem3Encoder())
    library.ingest()
    return Answerer.from_settings(settings, library=library)


async def test_the_section_of_the_asked_level_answers(answerer: Answerer) -> None:
    """The on-call rules read almost as close (and would join as a second sentence), but the
    question is about SEV2: only its section answers."""
    answer = await answerer.ask("t", "How quickly must the on-call engineer acknowledge a SEV2 "
                                "incident?", remember=False)
    assert not answer.refused and "25 minutes" in answer.text
    assert "within 5 minutes" not in answer.text and "10 minutes" not in answer.text
