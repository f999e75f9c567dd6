"""`citebot eval`: metrics computed by hand on hand-made outcomes and on a tiny hand-made corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evaluation import (
    Outcome,
    Question,
    has_all_facts,
    is_relevant,
    load_questions,
    render_table,
    report,
    summarize,
)
from index.types import Passage
from tests.clirun import citebot
from tests.conftest import DATA

TINY = DATA / "eval_tiny"


def _p(text: str, source: str = "a.txt") -> Passage:
    return Passage(id="x", text=text, source=source, locator="¶1", start=0, end=len(text))


def test_relevance_is_source_plus_variant_case_and_space_insensitive() -> None:
    q = Question("1", "ru", "Когда?", [["апрел", "April"]], "a.txt")
    assert is_relevant(q, _p("Выпуск  намечен\nна АПРЕЛЬ этого года"))  # stem, case
    assert is_relevant(q, _p("due in april", source="docs/a.txt"))  # folder prefix of --corpus
    assert not is_relevant(q, _p("в апреле", source="b.txt"))  # wrong file
    assert not is_relevant(q, _p("в мае"))
    two = Question("2", "ru", "Кто?", [["Aima"], ["Geely"]], "a.txt")
    assert has_all_facts(two, "с помощью aima и GEELY")
    assert not has_all_facts(two, "с помощью Aima")
    assert has_all_facts(Question("3", "en", "Когда?", [["20 18"]]), "в 20\n 18")


def _o(
    qid: str, lang: str, rank: int | None, chars: int, answer: str, *, answerable: bool = True,
    refused: bool = False, facts: bool = False, cited: bool = False, ms: float = 10.0,
) -> Outcome:
    return Outcome(qid, lang, "?", answerable, rank, "a.txt", "¶1", chars, ms / 2, answer, refused,
                   facts, cited, ms / 2)


def test_summary_numbers_by_hand() -> None:
    outcomes = [
        _o("a", "ru", 1, 100, "ответ из двадцати", facts=True, cited=True, ms=10),  # 17 chars
        _o("b", "ru", 3, 200, "xx", cited=True, ms=20),  # answered, facts missing
        _o("c", "en", None, 300, "REFUSED", refused=True, ms=30),  # false refusal
        _o("d", "en", 12, 400, "abcd", facts=True, ms=40),  # rank beyond MRR@10
        _o("e", "en", None, 500, "NO", answerable=False, refused=True, ms=50),
        _o("f", "ru", None, 600, "guess", answerable=False, ms=60),  # 5 chars, not refused
    ]
    s = summarize(outcomes, k=20, ingest_s=1.234)
    assert (s["n"], s["answerable"], s["unanswerable"]) == (6, 4, 2)
    assert s["hit_at_1"] == 0.25  # a
    assert s["hit_at_5"] == 0.5  # a, b
    assert s["mrr_at_10"] == round((1 + 1 / 3) / 4, 4) == 0.3333
    assert s["mean_top1_chars"] == 350.0  # (100 + ... + 600) / 6
    assert s["answer_recall"] == 0.5  # a, d of 4 answerable
    assert s["false_refusal_rate"] == 0.25  # c
    assert s["refusal_rate_unanswerable"] == 0.5  # e of e, f
    assert s["citation_precision"] == round(2 / 3, 4)  # a, b of the answered a, b, d
    assert s["mean_answer_chars"] == (17 + 2 + 4 + 5) / 4  # not refused: a, b, d, f
    assert s["p50_ms"] == 35.0 and s["p95_ms"] == 57.5  # inclusive percentiles of 10..60
    assert s["ingest_s"] == 1.23
    by = report(outcomes, 20, None, by_lang=True)["by_lang"]
    assert by["ru"]["hit_at_1"] == 0.5 and by["en"]["hit_at_1"] == 0.0
    assert by["en"]["refusal_rate_unanswerable"] == 1.0 and by["ru"]["n"] == 3
    assert "hit@1" in render_table(report(outcomes, 20, None, by_lang=True))


def test_bad_question_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.jsonl:1"):
        load_questions(bad)


def test_eval_on_a_tiny_corpus_leaves_the_users_index_alone(tmp_path: Path) -> None:
    """Three one-paragraph files (139, 133 and 145 characters), five questions: q1-q3 are found
    first; q4 names the wrong source file, so no passage can be relevant; q5 is unanswerable.
    hit@1 = hit@5 = MRR@10 = 3/4; the top-1 passages are bridge, tea, volcano, bridge, tea:
    (139 + 133 + 145 + 139 + 133) / 5 = 137.8 characters."""
    out = tmp_path / "per-question.jsonl"
    data = tmp_path / "user-data"
    proc = citebot(
        ["eval", str(TINY / "questions.jsonl"), "--corpus", str(TINY / "corpus"), "--json",
         "--by-lang", "--out", str(out)], data,
    )
    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (s["n"], s["answerable"], s["unanswerable"]) == (5, 4, 1)
    assert (s["hit_at_1"], s["hit_at_5"], s["mrr_at_10"]) == (0.75, 0.75, 0.75)
    assert s["mean_top1_chars"] == 137.8
    assert s["by_lang"]["en"]["hit_at_1"] == 1.0 and s["by_lang"]["ru"]["hit_at_1"] == 0.6667
    assert s["ingest_s"] > 0 and s["p50_ms"] > 0
    for key in ("answer_recall", "mean_answer_chars", "refusal_rate_unanswerable",
                "false_refusal_rate", "citation_precision", "p95_ms"):
        assert key in s
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["rank"] for r in rows] == [1, 1, 1, None, None]
    assert [r["top1_source"] for r in rows] == ["bridge.txt", "tea.txt", "volcano.txt",
                                                "bridge.txt", "tea.txt"]
    assert not (data / "chroma").exists()  # the user's own index was never opened
