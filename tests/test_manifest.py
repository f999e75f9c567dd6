"""The ingest manifest: an unchanged re-ingest reads it instead of every chunk, and it is ignored
whenever the store moved on without it (another writer, a killed writer)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.encoders.usem3 import Usem3Encoder
from index.manifest import load_manifest, manifest_path
from index.search_index import SearchIndex
from index.store import ChromaStore
from tests.conftest import SEEDS, make_settings


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    shutil.copytree(SEEDS, folder)
    (folder / "extra.txt").write_text("Компания Aiways выпускает электромобили с 2019 года.",
                                      encoding="utf-8")
    return folder


def _open(tmp_path: Path, sources: Path, embedder: Usem3Encoder) -> SearchIndex:
    return SearchIndex.from_settings(make_settings(tmp_path / "data", sources), embedder=embedder)


def test_unchanged_reingest_uses_the_manifest(
    tmp_path: Path, sources: Path, embedder: Usem3Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open(tmp_path, sources, embedder).ingest()
    fresh = _open(tmp_path, sources, embedder)  # as a new process would

    def no_full_read(self: ChromaStore) -> list:
        raise AssertionError("an unchanged re-ingest read every chunk")

    monkeypatch.setattr(ChromaStore, "records", no_full_read)
    report = fresh.ingest()
    assert not report.changed and sorted(report.unchanged) == sorted(
        p.name for p in sources.iterdir()
    )


def test_changes_are_seen_through_the_manifest(
    tmp_path: Path, sources: Path, embedder: Usem3Encoder
) -> None:
    _open(tmp_path, sources, embedder).ingest()
    (sources / "extra.txt").write_text("Aiways сменила владельца в 2024 году.", encoding="utf-8")
    (sources / "new.txt").write_text("Haima выпустила новую модель в 2023 году.", encoding="utf-8")
    report = _open(tmp_path, sources, embedder).ingest()
    assert report.updated == ["extra.txt"] and report.added == ["new.txt"]
    (sources / "new.txt").unlink()
    assert _open(tmp_path, sources, embedder).ingest().removed == ["new.txt"]
    library = _open(tmp_path, sources, embedder)
    assert sorted(library.stats().sources) == sorted(p.name for p in sources.iterdir())


def test_a_stale_manifest_is_ignored(
    tmp_path: Path, sources: Path, embedder: Usem3Encoder
) -> None:
    """Chunks written behind the manifest's back (a writer killed before it saved one, or
    another process) change the count or the stamp: the store is read instead."""
    library = _open(tmp_path, sources, embedder)
    library.ingest()
    path = manifest_path(tmp_path / "data", library.store.collection_name)
    assert load_manifest(path, library.store.state(), library.store.count()) is not None
    library.store.delete_source(f"{sources.resolve()}::extra.txt")  # no manifest update
    assert load_manifest(path, library.store.state(), library.store.count()) is None
    report = _open(tmp_path, sources, embedder).ingest()
    assert report.added == ["extra.txt"]  # noticed and redone
    library.store.bump_version()  # another writer finished elsewhere
    assert load_manifest(path, library.store.state(), library.store.count()) is None
