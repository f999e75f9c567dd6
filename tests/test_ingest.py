"""Incremental ingest into real Chroma: idempotent, follows changes, skips bad files, one writer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.errors import IndexBusyError
from index.lock import WriterLock
from index.search_index import SearchIndex
from tests.conftest import SEED_FILE, SEEDS
from tests.docs import write_pdf


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(SEEDS / SEED_FILE, folder / SEED_FILE)
    (folder / "notes.md").write_text(
        "# Notes\n\nThe Rainbow battery pack was tested in Lanzhou in March.\n", encoding="utf-8"
    )
    return folder


def _ids(library: SearchIndex) -> set[str]:
    return {r.passage.id for r in library.store.records()}


def test_first_ingest_then_unchanged_reingest_changes_nothing(
    library_factory, sources: Path
) -> None:
    library = library_factory(sources)
    first = library.ingest()
    assert sorted(first.added) == [SEED_FILE, "notes.md"]
    assert first.chunks_total == first.chunks_written > 0
    before = _ids(library)
    again = library.ingest()
    assert not again.changed
    assert sorted(again.unchanged) == [SEED_FILE, "notes.md"]
    assert again.chunks_written == 0
    assert _ids(library) == before
    stats = library.stats()
    assert (stats.documents, stats.chunks) == (2, len(before))


def test_changed_and_deleted_files_are_reflected(library_factory, sources: Path) -> None:
    library = library_factory(sources)
    library.ingest()
    (sources / "notes.md").write_text(
        "The Rainbow battery was tested in Harbin.\n", encoding="utf-8"
    )
    report = library.ingest()
    assert report.updated == ["notes.md"]
    texts = " ".join(r.passage.text for r in library.store.records())
    assert "Harbin" in texts and "Lanzhou" not in texts
    assert "Harbin" in library.retrieve("Where was the Rainbow battery tested?", 1)[0].text

    (sources / "notes.md").unlink()
    report = library.ingest()
    assert report.removed == ["notes.md"]
    assert {r.passage.source for r in library.store.records()} == {SEED_FILE}


def test_bad_files_are_reported_and_skipped(library_factory, sources: Path) -> None:
    (sources / "empty.txt").write_bytes(b"")
    (sources / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (sources / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    write_pdf(sources / "report.pdf", ["Zhidou Rainbow sales started on page one."])
    library = library_factory(sources)
    report = library.ingest()
    skipped = dict(report.skipped)
    assert set(skipped) == {"empty.txt", "broken.pdf", "photo.jpg"}
    assert "no text" in skipped["empty.txt"]
    assert "PDF" in skipped["broken.pdf"]
    assert "unsupported" in skipped["photo.jpg"]
    assert sorted(report.added) == [SEED_FILE, "notes.md", "report.pdf"]
    pdf_passage = next(
        r.passage for r in library.store.records() if r.passage.source == "report.pdf"
    )
    assert pdf_passage.locator == "p. 1, ¶1"


def test_extra_folder_is_prefixed_and_synced(
    library_factory, sources: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra"
    (extra / "sub").mkdir(parents=True)
    (extra / "sub" / "a.txt").write_text("Aiways exports cars to Europe.", encoding="utf-8")
    library = library_factory(sources)
    library.ingest()
    report = library.ingest([extra])
    assert report.added == ["extra/sub/a.txt"]
    assert "extra/sub/a.txt" in library.stats().sources
    (extra / "sub" / "a.txt").unlink()
    assert library.ingest().removed == ["extra/sub/a.txt"]  # known roots are re-synced


def test_interrupted_document_is_completed_next_run(library_factory, sources: Path) -> None:
    library = library_factory(sources)
    library.ingest()
    seed_ids = [r.passage.id for r in library.store.records() if r.passage.source == SEED_FILE]
    library.store.collection.delete(ids=seed_ids[:2])  # as if a crash hit mid-write
    report = library.ingest()
    assert report.updated == [SEED_FILE]
    after = [r.passage.id for r in library.store.records() if r.passage.source == SEED_FILE]
    assert sorted(after) == sorted(seed_ids)


def test_second_writer_is_refused_clearly(library_factory, sources: Path) -> None:
    library = library_factory(sources)
    other = WriterLock(library.data_dir)  # another process's lock on the same data dir
    other.acquire()
    try:
        with pytest.raises(IndexBusyError, match="/reindex"):
            library.ingest()
    finally:
        other.release()
    assert library.ingest().added


def test_unreadable_store_is_set_aside_and_rebuilt(
    library_factory, sources: Path, tmp_path: Path
) -> None:
    from chromadb.api.client import SharedSystemClient

    library = library_factory(sources)
    library.ingest()
    SharedSystemClient.clear_system_cache()
    db = tmp_path / "data" / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    rebuilt = library_factory(sources)
    assert rebuilt.rebuilt_from is not None and rebuilt.rebuilt_from.exists()
    report = rebuilt.ingest()
    assert sorted(report.added) == [SEED_FILE, "notes.md"] and report.rebuilt
    assert "2019" in rebuilt.retrieve("Когда обанкротилась Zhidou?", 1)[0].text
