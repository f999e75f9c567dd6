"""The corpus a user can see and manage: recorded roots, `sources`, `forget`, a missing folder,
and a large file streamed through ingest in several batches."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from index.chunking import chunk_blocks
from index.encoders.usem3 import Usem3Encoder
from index.errors import ConfigError, InputError
from index.parsing import parse
from index.search_index import SearchIndex
from tests.clirun import citebot, one_line_error
from tests.conftest import SEEDS, make_settings

STRUCTURED = Path(__file__).parent / "data" / "structured"
XQUAD = Path(__file__).parent / "data" / "xquad16"


def _library(tmp_path: Path, embedder: Usem3Encoder, **kw: object) -> SearchIndex:
    return SearchIndex.from_settings(make_settings(tmp_path / "data", **kw), embedder=embedder)


def test_sources_lists_and_forget_removes(tmp_path: Path, embedder: Usem3Encoder) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(STRUCTURED, docs, ignore=shutil.ignore_patterns("*.py"))
    (docs / "notes.xyz").write_text("not a supported type")
    library = _library(tmp_path, embedder)
    library.ingest()  # the seed corpus, the default while the user has named nothing
    assert {e.source for e in library.documents()[0]} == {p.name for p in SEEDS.glob("*.txt")}

    library.ingest([docs])  # naming their own sources drops the seeds
    entries, skipped = library.documents()
    assert [Path(e.path).name for e in entries] == sorted(
        ["handbook.md", "pricing.html", "protocol.docx", "report.pdf"])
    assert all(Path(e.path).is_absolute() and e.passages > 0 and e.indexed_at for e in entries)
    assert {e.format for e in entries} == {"markdown", "html", "docx", "pdf"}
    assert skipped == [(str(docs.resolve() / "notes.xyz"), "unsupported file type '.xyz'")]

    report = library.forget(docs / "pricing.html")
    assert report.removed == ["docs/pricing.html"]
    assert "pricing.html" not in {Path(e.path).name for e in library.documents()[0]}
    assert not any("Quillmate" in r.passage.text for r in library.store.records())
    plain = library.ingest()  # a plain ingest re-syncs what the user indexed: no pricing again
    assert not plain.added and len(library.documents()[0]) == 3

    library.forget(docs)
    assert library.documents()[0] == [] and library.store.count() == 0
    assert library.ingest().chunks_total == 0  # the seeds do not come back
    with pytest.raises(InputError, match="not among the indexed sources"):
        library.forget(tmp_path / "elsewhere")


def test_a_missing_sources_folder_is_an_error(tmp_path: Path, embedder: Usem3Encoder) -> None:
    library = _library(tmp_path, embedder, sources_dir=tmp_path / "no-such-folder")
    with pytest.raises(ConfigError, match="no-such-folder does not exist"):
        library.ingest()
    proc = citebot(["ingest"], tmp_path / "cli-data", tmp_path / "no-such-folder")
    assert "no-such-folder does not exist" in one_line_error(proc)


def test_sources_and_forget_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    shutil.copytree(STRUCTURED, docs, ignore=shutil.ignore_patterns("*.py", "*.pdf", "*.docx"))
    assert citebot(["ingest", str(docs)], data).returncode == 0
    listing = citebot(["sources"], data)
    assert listing.returncode == 0, listing.stderr
    assert str(docs.resolve() / "handbook.md") in listing.stdout and "markdown" in listing.stdout
    gone = citebot(["forget", str(docs / "handbook.md")], data)
    assert gone.returncode == 0, gone.stderr
    assert "handbook.md" not in citebot(["sources"], data).stdout


def test_large_file_is_ingested_in_batches(tmp_path: Path, embedder: Usem3Encoder) -> None:
    big = tmp_path / "big"
    big.mkdir()
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(XQUAD.glob("*.txt")))
    (big / "big.txt").write_text(text, encoding="utf-8")
    expected = list(chunk_blocks(parse(big / "big.txt", "big.txt").blocks(), "big.txt"))
    assert len(expected) > 40
    library = _library(tmp_path, embedder, sources_dir=big, ingest_batch=8)
    assert library.store.max_batch_size() > 8
    seen: list[tuple[int, int]] = []  # (bytes done, passages stored) at each progress report
    kept: list[int] = []  # sentence vectors held in memory for chunks not yet written
    side: list[int] = []  # chunks the side indexes hold (sentence vectors stored)

    def progress(name: str, done: int) -> None:
        seen.append((done, library.store.count()))
        kept.append(len(library.sidecar._pending))
        side.append(len(library.sidecar.sentences.stored_chunks()))

    report = library.ingest(progress=progress)
    assert report.chunks_written == len(expected) == library.store.count()
    # the side indexes follow every written batch: memory does not grow with the file, and
    # the end of the ingest builds no retriever (the first question does)
    assert max(kept) <= 8 + 64 and side == [n for _, n in seen]
    assert library._retriever is None
    assert library.sidecar.sentences.stored_chunks() == {r.passage.id for r in library.records()}
    stored = [n for _, n in seen]
    assert len(set(stored)) > 3 and stored[0] < len(expected)  # written batch by batch, mid-file
    assert all(b - a <= 8 for a, b in itertools.pairwise(stored))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # the progress moves within the file
    positions = sorted(r.position for r in library.store.records())
    assert positions == list(range(len(expected)))
