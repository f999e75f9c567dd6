"""Grounding: recorded real-model replies through the service's own post-reply code, citation
marker forms, refusal and language checks, and the claim checker's cross-script matching."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.claims import ClaimChecker
from bot.grounding import Grounding
from bot.markers import is_refusal, normalize_markers
from bot.types import AnswerMode
from index.encoders.usem3 import Usem3Encoder
from index.search_index import SearchIndex
from index.text.names import names_match, numbers
from index.types import Passage
from tests.fake_openai import FakeOpenAI
from tests.test_llm_answers import documents, llm_answerer

REPLIES = sorted((Path(__file__).parent / "data" / "llm_replies").glob("*.jsonl"))
RECORDS = [
    json.loads(line) for path in REPLIES for line in path.read_text("utf-8").splitlines()
    if line.strip()
]


def _passages(prompt: str) -> list[Passage]:
    found = re.findall(
        r'<document n="(\d+)" source="([^"]*)" locator="([^"]*)">\n(.*?)\n</document>', prompt, re.S
    )
    return [
        Passage(id=f"p{n}", text=t, source=s, locator=loc, start=0, end=len(t), score=1.0)
        for n, s, loc, t in found
    ]


@pytest.fixture(scope="module")
def grounding(embedder: Usem3Encoder) -> Grounding:
    return Grounding(ClaimChecker(embedder.encode))


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(
            r, id=r["id"], marks=[pytest.mark.xfail(reason=r["label"]["xfail"], strict=True)]
            if "xfail" in r["label"] else [],
        )
        for r in RECORDS
    ],
)
def test_recorded_reply_label_holds(grounding: Grounding, record: dict[str, Any]) -> None:
    prompt = next(m["content"] for m in record["messages"] if "<document n=" in m["content"])
    passages = _passages(prompt)
    label = record["label"]
    if record["command"][0] == "brief":
        answer = grounding.briefing("brief", record["reply"], passages)
        bullets = [ln for ln in answer.text.splitlines() if ln not in record["reply"].splitlines()]
        assert all(line.startswith("- ") for line in bullets)  # bullets kept (a heading as is)
        if "unsupported" in label:
            assert answer.note and answer.dropped_claims  # says what was removed
    else:
        question = re.search(r"\nQuestion: (.*)\n", prompt)
        assert question
        answer = grounding.answer(question.group(1), record["reply"], passages)
    shown = answer.text if not answer.refused else ""
    for text in label.get("supported", []):
        assert text in shown, (text, answer.text)
    for text in label.get("unsupported", []):
        assert text not in answer.text, (text, answer.text)
    if label["outcome"] == "refusal":
        assert answer.refused and answer.note is None and answer.mode == AnswerMode.LLM
        assert answer.closest and not answer.citations
    if label["outcome"] == "answer":
        assert not answer.refused and answer.citations
    if label["outcome"] == "not_an_answer":
        assert answer.refused or answer.mode != AnswerMode.LLM


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("Zhidou went bankrupt in 2019 [1].", "Zhidou went bankrupt in 2019 [1]."),
        ("Zhidou went bankrupt in 2019 [1, 2].", "Zhidou went bankrupt in 2019 [1][2]."),
        ("Zhidou went bankrupt in 2019 [1][2].", "Zhidou went bankrupt in 2019 [1][2]."),
        ("Zhidou went bankrupt in 2019 【1】.", "Zhidou went bankrupt in 2019 [1]."),
        ("Zhidou went bankrupt in 2019 (1).", "Zhidou went bankrupt in 2019 [1]."),
        ("Zhidou went bankrupt in 2019 (source 1).", "Zhidou went bankrupt in 2019 [1]."),
        ("According to document n=1, Zhidou went bankrupt.", "Zhidou went bankrupt [1]."),
        ("В документе n=1 Zhidou обанкротилась в 2019 году.", "Zhidou обанкротилась в 2019 году [1]."),  # noqa: E501
        ("Согласно документу 2, Haima вернулась.", "Haima вернулась [2]."),
        (
            "Zhidou Electric Vehicles Co., which is mentioned in document 1, went bankrupt.",
            "Zhidou Electric Vehicles Co. went bankrupt [1].",
        ),
        ("Zhidou, которая упоминается в документе 2, вернулась.", "Zhidou вернулась [2]."),
        ("Haima (2019) is back (7).", "Haima (2019) is back (7)."),  # not document numbers
    ],
)
def test_marker_forms(draft: str, expected: str) -> None:
    assert normalize_markers(draft, 5) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Извините, но в данных нет информации о цене Zhidou Rainbow. [2]",
        "Документы не содержат сведений о цене.",
        "The documents do not say what it costs [1].",
        "There is no information about the price in the sources.",
        "Die Dokumente enthalten keine Informationen dazu.",
    ],
)
def test_refusals_in_any_language(text: str) -> None:
    assert is_refusal(text)


@pytest.mark.parametrize(
    "text", ["Zhidou went bankrupt in 2019 [1].", "Haima did not say anything about prices [1]."]
)
def test_statements_are_not_refusals(text: str) -> None:
    assert not is_refusal(text)


def test_names_and_numbers_across_scripts() -> None:
    assert names_match("Ren", "Жэнь") and names_match("Zhenhe", "Чжэньхэ")
    assert names_match("Zhengzhou", "Чжэнчжоу") and names_match("Gansu", "Ганьсу")
    assert names_match("Jinping", "Цзиньпином")
    assert not names_match("Жаньсу", "Ганьсу") and not names_match("Guanzhou", "Ганьсу")
    assert not names_match("Haima", "Aima")
    assert numbers("в 2019 году") == {"2019"} and numbers("1 000 руб., 3,5 кг") == {"1000", "3.5"}


def test_claim_with_a_foreign_number_or_name_is_dropped(grounding: Grounding) -> None:
    text = (
        "Haima передала управление и активы муниципальному правительству Чжэнчжоу в центральном "
        "Китае."
    )
    passages = [Passage(id="a", text=text, source="s", locator="¶1", start=0, end=len(text))]
    draft = (
        "- Haima handed its management to the Zhengzhou government [1].\n"
        "- Haima handed its management to the Zhengzhou government in 2021 [1].\n"
        "- Haima handed its management to the Guanzhou government [1]."
    )
    answer = grounding.briefing("brief", draft, passages)
    assert answer.text == "- Haima handed its management to the Zhengzhou government [1]."
    assert len(answer.dropped_claims) == 2 and answer.note


def test_a_price_is_a_sum_of_money_of_the_passage(grounding: Grounding) -> None:
    text = "Model: Voltaro Cargo Duo | Price: €3,450 | Battery: 720 Wh | Weight: 38.0 kg"
    passages = [Passage(id="a", text=text, source="s", locator="row 4", start=0, end=len(text))]
    draft = (
        "- The Voltaro Cargo Duo costs €3,450 [1].\n"
        "- The Voltaro Cargo Duo costs 720 euros [1]."
    )
    answer = grounding.briefing("brief", draft, passages)
    assert answer.text == "- The Voltaro Cargo Duo costs €3,450 [1]."
    assert answer.dropped_claims == ("The Voltaro Cargo Duo costs 720 euros.",)


def test_quoted_table_rows_are_claims_each_with_its_own_citation(grounding: Grounding) -> None:
    """Rows have no full stop: a marker followed by a capitalised start ends the claim, so an
    extractive answer quoting two rows of two passages holds (it was refused as one claim)."""
    rows = [
        "Model: Fold | Price: €1,290 | Range: up to 45 km | Battery: 320 Wh | Weight: 16.8 kg",
        "Model: Urban S | Price: €1,490 | Range: up to 60 km | Battery: 418 Wh | Weight: 21.5 kg",
        "The Urban S is our most popular bike for short city trips, with a 7-speed hub gear.",
    ]
    passages = [
        Passage(id=f"r{i}", text=t, source="bikes.html", locator=f"table 1, row {i}", start=0,
                end=len(t))
        for i, t in enumerate(rows, 1)
    ]
    draft = f"{rows[0]} [1] {rows[1]} [2] {rows[2]} [3]"
    checked = grounding.checker.check(draft, passages, "Сколько весит Fold?", relevance=False)
    assert not checked.dropped and len(checked.citations) == 3, checked


def test_a_name_pieced_in_from_another_sentence_is_dropped(grounding: Grounding) -> None:
    title = "Zhidou, Haima и Aiways возобновляют производство."
    body = (
        "Zhidou обанкротилась в 2019 году. Рынок электромобилей растёт. Сейчас Zhidou "
        "завершила реструктуризацию с помощью Aima Technology Group."
    )
    passages = [
        Passage(id=f"p{i}", text=t, source="s", locator=f"¶{i}", start=0, end=len(t))
        for i, t in enumerate((title, body))
    ]
    draft = (
        "- Zhidou завершила реструктуризацию с помощью Aima Technology Group [2].\n"
        "- Zhidou и Haima завершили реструктуризацию с помощью Aima Technology Group [1][2]."
    )
    answer = grounding.briefing("brief", draft, passages)
    assert answer.text == "- Zhidou завершила реструктуризацию с помощью Aima Technology Group [1]."
    assert len(answer.dropped_claims) == 1


def test_a_name_from_the_question_must_be_in_the_sources(grounding: Grounding) -> None:
    row = "Model: Voltaro Urban S | Price: €1,490 | Battery: 418 Wh"
    sev = "Acknowledge within 15 minutes and update the status page every hour."
    passages = [
        Passage(id="a", text=row, source="v.html", locator="§ Models, table 1, row 1", start=0,
                end=len(row)),
        Passage(id="b", text=sev, source="runbook.md", locator="§ SEV2 — Degraded service, ¶1",
                start=0, end=len(sev)),
    ]
    premise = grounding.answer(
        "How much does the Voltaro Turbo cost?", "The Voltaro Turbo costs €1,490 [1].", passages
    )
    assert premise.refused and "Turbo" in premise.dropped_claims[0]
    heading = grounding.answer(
        "How quickly must a SEV2 incident be acknowledged?",
        "A SEV2 incident must be acknowledged within 15 minutes [2].",
        passages,
    )
    assert not heading.refused and "15 minutes" in heading.text  # SEV2: the section's heading


def test_a_who_answer_must_name_someone_besides_whom_it_asks_about(
    grounding: Grounding,
) -> None:
    text = (
        "Voltaro Bikes Ltd. builds e-bikes and will appoint a new chief executive next year. "
        "The company was founded by Maria Keller in 2015."
    )
    passages = [Passage(id="a", text=text, source="v.md", locator="¶1", start=0, end=len(text))]
    only_asked = grounding.answer(
        "Who is the chief executive of Voltaro?",
        "The chief executive of Voltaro is Voltaro Bikes Ltd. [1]",
        passages,
    )
    assert only_asked.refused and not only_asked.citations
    named = grounding.answer(
        "Who founded Voltaro?", "Voltaro was founded by Maria Keller in 2015 [1].", passages
    )
    assert not named.refused and "Maria Keller" in named.text
    opening = grounding.answer(
        "Кто основал Voltaro?", "Maria Keller основала Voltaro [1].", passages
    )
    assert not opening.refused  # a name as the first word counts when the passage names it


MARKER_REPLIES = {
    "brackets": "Zhidou обанкротилась в 2019 году [{n}].",
    "list": "Zhidou обанкротилась в 2019 году [{n}, {n}].",
    "lenticular": "Zhidou обанкротилась в 2019 году 【{n}】.",
    "parens": "Zhidou обанкротилась в 2019 году ({n}).",
    "document": "В документе n={n} Zhidou обанкротилась в 2019 году.",
    "source": "Zhidou обанкротилась в 2019 году (source {n}).",
}


@pytest.mark.parametrize("form", list(MARKER_REPLIES))
async def test_llm_marker_forms_through_the_service(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI, form: str
) -> None:
    def reply(body: dict[str, Any]) -> str:
        docs = documents(body["messages"][1]["content"])
        n = next(k for k, text in docs.items() if "2019" in text)
        return MARKER_REPLIES[form].format(n=n)

    fake_openai.reply(reply)
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    answer = await answerer.ask("m", "Когда обанкротилась Zhidou?")
    assert answer.mode == AnswerMode.LLM and not answer.refused and answer.note is None
    assert "2019" in answer.text and answer.text.endswith("[1].") and len(answer.citations) == 1


@pytest.mark.parametrize(
    ("question", "refusal"),
    [
        ("Какова цена Zhidou Rainbow?", "Извините, но в данных нет информации о цене. [2]"),
        ("What does the Zhidou Rainbow cost?", "The documents do not state the price."),
    ],
)
async def test_llm_refusal_is_a_refusal(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI, question: str, refusal: str
) -> None:
    fake_openai.reply(refusal)
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    answer = await answerer.ask("r", question)
    assert answer.refused and answer.mode == AnswerMode.LLM and answer.note is None
    assert not answer.citations and answer.closest
    assert answer.to_json()["refused"] is True


async def test_wrong_language_is_retried_once(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI
) -> None:
    def reply(body: dict[str, Any]) -> str:
        docs = documents(body["messages"][1]["content"])
        n = next(k for k, text in docs.items() if "2019" in text)
        if len(body["messages"]) > 2:  # the retry asks for Russian
            assert "Russian" in body["messages"][-1]["content"]
            return f"Zhidou обанкротилась в 2019 году [{n}]."
        return f"Zhidou went bankrupt in 2019 [{n}]."

    fake_openai.reply(reply)
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    answer = await answerer.ask("l", "Когда обанкротилась Zhidou?")
    assert len(fake_openai.requests) == 2
    assert answer.mode == AnswerMode.LLM and answer.text.startswith("Zhidou обанкротилась")


async def test_wrong_language_twice_falls_back(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI
) -> None:
    fake_openai.reply(lambda body: "Zhidou went bankrupt in 2019 [1].")
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    answer = await answerer.ask("l2", "Когда обанкротилась Zhidou?")
    assert answer.mode == AnswerMode.FALLBACK and answer.note and "2019" in answer.text


async def test_unsupported_answer_is_not_shown_and_json_lists_it(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI
) -> None:
    def reply(body: dict[str, Any]) -> str:
        docs = documents(body["messages"][1]["content"])
        n = next(k for k, text in docs.items() if "Aiways" in text and "Aima" not in text)
        return f"Компания Aiways Automobile Co. помогла Zhidou с реструктуризацией [{n}]."

    fake_openai.reply(reply)
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    answer = await answerer.ask("u", "Кто помог Zhidou с реструктуризацией?")
    assert "Aiways" not in answer.text and answer.mode != AnswerMode.LLM
    data = answer.to_json()
    assert data["dropped_claims"] and "Aiways" in data["dropped_claims"][0]
