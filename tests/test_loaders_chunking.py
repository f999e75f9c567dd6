"""Parsers for every supported type, and structure-aware chunking with heading paths and
locators a person can follow."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunking import Chunk, chunk_blocks, split_sentences
from index.errors import LoaderError
from index.parsing import parse
from tests.conftest import SEED_FILE, SEEDS
from tests.docs import write_docx

DATA = Path(__file__).parent / "data" / "structured"


def chunks_of(path: Path, max_chars: int = 1000) -> list[Chunk]:
    return list(chunk_blocks(parse(path, path.name).blocks(), path.name, max_chars=max_chars))


def sentences(chunk: Chunk) -> list[str]:
    return [chunk.text[s:e] for s, e in chunk.sentences]


def test_seed_chunks_have_paragraph_locators() -> None:
    chunks = chunks_of(SEEDS / SEED_FILE)
    assert chunks, "the seed yields chunks"
    for c in chunks:
        assert len(c.text) <= 1000
        for s, e in c.sentences:
            assert c.text[s:e].strip() == c.text[s:e]
    zhidou = next(c for c in chunks if "2019" in c.text)
    assert "¶" in zhidou.locator
    assert any("2019" in s for s in sentences(zhidou))


def test_chunk_ids_are_stable_and_depend_on_content(tmp_path: Path) -> None:
    first = [c.id for c in chunks_of(SEEDS / SEED_FILE)]
    assert first == [c.id for c in chunks_of(SEEDS / SEED_FILE)]
    other = tmp_path / "renamed.txt"
    other.write_bytes((SEEDS / SEED_FILE).read_bytes())
    assert set(first).isdisjoint(c.id for c in chunks_of(other))


def test_long_paragraph_is_split_on_sentences(tmp_path: Path) -> None:
    sentence = "Это предложение номер {} о производстве электромобилей в Китае. "
    f = tmp_path / "x.txt"
    f.write_text("".join(sentence.format(i) for i in range(60)))
    chunks = chunks_of(f, max_chars=900)
    assert len(chunks) > 1
    assert all(len(c.text) <= 900 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)


def test_sentence_splitter_keeps_abbreviations_and_initials() -> None:
    text = "Dr. Smith met J. R. Tolkien in 1950. Они встретились в т. ч. в Москве. Next one!"
    sents = [text[s:e] for s, e in split_sentences(text)]
    assert sents[0] == "Dr. Smith met J. R. Tolkien in 1950."
    assert len(sents) == 3


def test_markdown_heading_path_in_locator_and_never_in_text() -> None:
    chunks = chunks_of(DATA / "handbook.md")
    sick = next(c for c in chunks if "doctor's note" in c.text)
    assert sick.heading == "Larkspur Robotics Employee Handbook › 3 Leave › 3.2 Sick leave"
    assert sick.locator == "§ 3.2 Sick leave, ¶1–2"
    assert sentences(sick)[1] == "A doctor's note is needed from the fourth day."
    assert not any("Sick leave" in c.text or "Handbook" in c.text for c in chunks)
    assert "412" in chunks[0].text


def test_table_rows_keep_their_headers() -> None:
    rows = [c for c in chunks_of(DATA / "handbook.md") if "table" in c.locator]
    assert [c.locator for c in rows] == ["§ 4 Equipment, table 1, row 1",
                                         "§ 4 Equipment, table 1, row 2"]
    assert rows[0].text == "Item: Laptop | Budget: €1,800 | Renewal: every 3 years"
    assert sentences(rows[0]) == [rows[0].text]  # one row, one sentence-unit


def test_html_main_content_without_boilerplate() -> None:
    chunks = chunks_of(DATA / "pricing.html")
    text = "\n".join(c.text for c in chunks)
    for boiler in ("cookies", "Home", "newsletter", "All rights reserved", "window.x"):
        assert boiler not in text
    business = next(c for c in chunks if "Business" in c.text)
    assert business.text == "Plan: Business | Price: $19 per user / month | Storage: 1 TB"
    assert business.locator == "§ Plans, table 1, row 2"
    assert business.heading == "Quillmate pricing › Plans"


def test_pdf_drops_running_header_and_page_numbers_and_splits_paragraphs() -> None:
    chunks = chunks_of(DATA / "report.pdf")
    text = "\n".join(c.text for c in chunks)
    assert "CONFIDENTIAL" not in text and "Page 2" not in text
    page2 = next(c for c in chunks if "Imelda Vargas" in c.text)
    assert page2.locator.startswith("p. 2, ¶1")
    assert page2.heading == "Leadership"
    assert page2.text.split("\n\n") == [
        "The managing director is Imelda Vargas, appointed in March 2021.",
        "The supervisory board has seven members and meets four times a year.",
    ]
    row = next(c for c in chunks if "River works" in c.text)
    assert row.locator == "p. 2, table 1, row 2"
    assert row.text == "Plant: River works | Capacity: 18,500 m3/day | Built: 2009"
    assert all(c.locator.startswith("p. ") for c in chunks)


def test_docx_table_stays_in_place() -> None:
    chunks = chunks_of(DATA / "protocol.docx")
    order = [c.locator for c in chunks]
    assert order == [
        "§ 1. Budget, ¶1", "§ 1. Budget, table 1, row 1", "§ 1. Budget, table 1, row 2",
        "§ 1. Budget, ¶2", "§ 2. Auditor, ¶1",
    ]
    assert chunks[1].text == "Item: Cleaning | Amount: 12,400"
    assert chunks[4].heading == "Protocol of the members' meeting › 2. Auditor"


def test_plain_text_title_lines_become_headings(tmp_path: Path) -> None:
    f = tmp_path / "news.txt"
    f.write_text("THE COURIER\nNews digest\n\nHARBOUR WALL REPAIR\n2 October 2024\n\n"
                 "The council approved the repair of the harbour wall.\n")
    chunk = chunks_of(f)[-1]
    assert chunk.heading == "THE COURIER › HARBOUR WALL REPAIR"
    assert chunk.text.startswith("2 October 2024")


def test_docx_builder_paragraphs(tmp_path: Path) -> None:
    docx_file = write_docx(tmp_path / "a.docx", ["First paragraph.", "Second paragraph."])
    assert chunks_of(docx_file)[0].text == "First paragraph.\n\nSecond paragraph."


def test_cp1251_text_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "legacy.txt"
    f.write_bytes("Привет, мир. Это старая кодировка.".encode("cp1251"))
    assert chunks_of(f)[0].text.startswith("Привет, мир.")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "no text"),
        ("blank.md", b"   \n\n  ", "no text"),
        ("junk.txt", bytes(range(256)) * 20, "binary"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip", "DOCX"),
        ("image.png", b"\x89PNG\r\n", "unsupported"),
    ],
)
def test_bad_files_raise_a_clear_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(LoaderError, match=reason):
        chunks_of(f)
