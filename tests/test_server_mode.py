"""Server mode: ingest, ask and retrieval against a real `chroma run`, with the same results as the
embedded store, and a lexical index that follows ingests made by other processes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.service import Answerer
from index.encoders.usem3 import Usem3Encoder
from index.search_index import SearchIndex
from tests.chroma_server import ChromaServer
from tests.clirun import citebot
from tests.conftest import DATA, SEED_FILE, SEEDS

pytestmark = pytest.mark.server

QUESTIONS = [json.loads(ln) for ln in (DATA / "seed_qa.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture
def server_library(server_settings, embedder: Usem3Encoder) -> SearchIndex:  # type: ignore[no-untyped-def]
    library = SearchIndex.from_settings(server_settings(), embedder=embedder)
    library.ingest()
    return library


def test_cli_ingest_ask_stats_against_the_server(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    env = {"CITEBOT_CHROMA_URL": chroma_server.url, "CITEBOT_COLLECTION": "cli-server-test"}
    ingest = citebot(["ingest"], tmp_path / "data", **env)
    assert ingest.returncode == 0, ingest.stderr
    assert "1 added" in ingest.stdout
    again = citebot(["ingest"], tmp_path / "other-data", **env)  # another machine, same server
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in again.stdout, again.stdout
    ask = citebot(["ask", "Когда обанкротилась Zhidou?", "--json"], tmp_path / "data", **env)
    assert ask.returncode == 0, ask.stderr
    payload = json.loads(ask.stdout)
    assert "2019" in payload["answer"] and payload["citations"][0]["source"] == SEED_FILE
    stats = citebot(["stats"], tmp_path / "data", **env)
    assert chroma_server.url in stats.stdout and "Documents:       1" in stats.stdout
    assert not (tmp_path / "data" / "chroma").exists()  # nothing embedded was created


def test_server_results_equal_embedded_results(
    server_library: SearchIndex, seed_library: SearchIndex
) -> None:
    """Same chunks, and the same passages in the same order for every dev question."""
    assert {r.passage.id for r in server_library.records()} == {
        r.passage.id for r in seed_library.records()
    }
    for q in QUESTIONS:
        served = [(p.id, round(p.score, 3)) for p in server_library.retrieve(q["question"], 5)]
        local = [(p.id, round(p.score, 3)) for p in seed_library.retrieve(q["question"], 5)]
        assert served == local, q["question"]


async def test_answers_from_the_server(server_library, server_settings) -> None:  # type: ignore[no-untyped-def]
    answerer = Answerer.from_settings(server_settings(), library=server_library)
    answer = await answerer.ask("t", "Когда обанкротилась Zhidou?")
    assert "2019" in answer.text and not answer.refused
    assert answer.citations[0].passage.source == SEED_FILE
    refused = await answerer.ask("t", "Какова цена Zhidou Rainbow?")
    assert refused.refused


def test_reader_sees_another_process_ingest(
    server_settings, embedder: Usem3Encoder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Two bot processes share one server: when one re-indexes, the other's lexical index and
    passages follow (version stamp in the collection metadata), without a restart."""
    sources = tmp_path / "src"
    shutil.copytree(SEEDS, sources)
    reader = SearchIndex.from_settings(server_settings(sources, tmp_path / "a"), embedder=embedder)
    writer = SearchIndex.from_settings(server_settings(sources, tmp_path / "b"), embedder=embedder)
    writer.ingest()
    assert all("Квазимодо" not in p.text for p in reader.retrieve("Кто такой Квазимодо?", 3))
    stamp = reader.store.state()[0]
    (sources / "hugo.txt").write_text(
        "Квазимодо — звонарь собора Парижской Богоматери, герой романа Виктора Гюго 1831 года.",
        encoding="utf-8",
    )
    report = writer.ingest()
    assert report.added == ["hugo.txt"]
    assert reader.store.state()[0] != stamp  # the writer renewed the stamp
    top = reader.retrieve("Кто такой Квазимодо?", 1)
    assert top and top[0].source == "hugo.txt"
    assert "hugo.txt" in reader.stats().sources
    (sources / "hugo.txt").unlink()
    writer.ingest()
    assert "hugo.txt" not in reader.stats().sources
    assert all(p.source != "hugo.txt" for p in reader.retrieve("Кто такой Квазимодо?", 5))


def test_unchanged_reingest_from_a_second_data_dir_writes_nothing(
    server_library: SearchIndex, server_settings, embedder: Usem3Encoder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    stamp = server_library.store.state()
    other = SearchIndex.from_settings(server_settings(data_dir=tmp_path / "x"), embedder=embedder)
    report = other.ingest()
    assert not report.changed and report.unchanged == [SEED_FILE]
    assert server_library.store.state() == stamp  # no writes, no new stamp


def test_eval_against_the_server_equals_embedded(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    """`citebot eval` on the configured (server) index scores exactly as on the embedded one."""
    qa = str(DATA / "seed_qa.jsonl")
    env = {"CITEBOT_CHROMA_URL": chroma_server.url, "CITEBOT_COLLECTION": "eval-server-test"}
    served = citebot(["eval", qa, "--json"], tmp_path / "server-data", **env)
    local = citebot(["eval", qa, "--json"], tmp_path / "local-data")
    assert served.returncode == 0 and local.returncode == 0, served.stderr + local.stderr
    assert not (tmp_path / "server-data" / "chroma").exists()
    got = json.loads(served.stdout.splitlines()[-1])
    want = json.loads(local.stdout.splitlines()[-1])
    quality = [k for k in want if not k.endswith(("_ms", "_s"))]
    assert {k: got[k] for k in quality} == {k: want[k] for k in quality}
    assert got["hit_at_5"] >= 0.9
