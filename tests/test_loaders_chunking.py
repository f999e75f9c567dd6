"""Loaders for every supported type, and sentence-aware chunking with offsets and locators."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunking import chunk_document, split_sentences
from index.errors import LoaderError
from index.loaders import load
from tests.conftest import SEED_FILE, SEEDS
from tests.docs import write_docx, write_pdf


def test_seed_chunks_keep_offsets_and_paragraph_locators() -> None:
    doc = load(SEEDS / SEED_FILE, SEED_FILE)
    chunks = chunk_document(doc)
    assert chunks, "the seed yields chunks"
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert c.locator.startswith("¶")
        assert len(c.text) <= 1000
        for s, e in c.sentences:
            assert c.text[s:e].strip() == c.text[s:e]
    zhidou = next(c for c in chunks if "2019" in c.text)
    assert zhidou.locator == "¶3"
    assert any("2019" in zhidou.text[s:e] for s, e in zhidou.sentences)


def test_chunk_ids_are_stable_and_depend_on_content() -> None:
    doc = load(SEEDS / SEED_FILE, SEED_FILE)
    assert [c.id for c in chunk_document(doc)] == [c.id for c in chunk_document(doc)]
    other = load(SEEDS / SEED_FILE, "renamed.txt")
    assert {c.id for c in chunk_document(doc)}.isdisjoint(c.id for c in chunk_document(other))


def test_long_paragraph_is_split_on_sentences() -> None:
    sentence = "Это предложение номер {} о производстве электромобилей в Китае. "
    text = "".join(sentence.format(i) for i in range(60))
    from index.loaders import LoadedDocument

    chunks = chunk_document(LoadedDocument("x.txt", text, "h"), max_chars=900)
    assert len(chunks) > 1
    assert all(len(c.text) <= 900 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)


def test_sentence_splitter_keeps_abbreviations_and_initials() -> None:
    text = "Dr. Smith met J. R. Tolkien in 1950. Они встретились в т. ч. в Москве. Next one!"
    sents = [text[s:e] for s, e in split_sentences(text)]
    assert sents[0] == "Dr. Smith met J. R. Tolkien in 1950."
    assert len(sents) == 3


def test_pdf_has_page_locators(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "r.pdf", ["Page one talks about batteries.", "Page two: Rainbow."])
    doc = load(pdf, "r.pdf")
    chunks = chunk_document(doc)
    assert [c.locator.split(",")[0] for c in chunks][-1] == "p. 2"
    assert "Rainbow" in chunks[-1].text


def test_docx_html_md_load(tmp_path: Path) -> None:
    docx_file = write_docx(tmp_path / "a.docx", ["First paragraph.", "Second paragraph."])
    assert load(docx_file, "a.docx").text == "First paragraph.\n\nSecond paragraph."
    html = tmp_path / "a.html"
    html.write_text(
        "<html><head><style>p{}</style><script>x()</script></head>"
        "<body><h1>Title</h1><p>One <b>bold</b> line.</p><p>Two.</p></body></html>"
    )
    assert load(html, "a.html").text == "Title\n\nOne bold line.\n\nTwo."
    md = tmp_path / "a.md"
    md.write_text("# Head\n\nSome [link](http://x) and **bold**.\n")
    assert load(md, "a.md").text.strip() == "Head\n\nSome link and bold."


def test_cp1251_text_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "legacy.txt"
    f.write_bytes("Привет, мир. Это старая кодировка.".encode("cp1251"))
    assert load(f, "legacy.txt").text.startswith("Привет, мир.")


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
        load(f, name)
