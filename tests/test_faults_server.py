"""Fault matrix, Chroma server side: down at start, stopped mid-run, hung; a clear line each time
and recovery without a restart once the server is back."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from bot.service import Answerer
from index.encoders.usem3 import Usem3Encoder
from index.errors import StoreUnavailableError
from index.search_index import SearchIndex
from tests.chroma_server import ChromaServer, free_port
from tests.clirun import citebot, one_line_error
from tests.conftest import make_settings

pytestmark = pytest.mark.server


def test_server_down_at_start_is_one_clear_line(tmp_path: Path, embedder: Usem3Encoder) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    expected = f"The Chroma server at {url} is not reachable (connection refused)"
    line = one_line_error(citebot(["ask", "Когда обанкротилась Zhidou?"], tmp_path / "data",
                                  CITEBOT_CHROMA_URL=url))
    assert expected in line, line
    settings = make_settings(tmp_path / "data", chroma_url=url)
    with pytest.raises(StoreUnavailableError, match="connection refused") as err:
        SearchIndex.from_settings(settings, embedder=embedder)  # what ingest, stats, serve do
    assert expected in str(err.value)


def test_server_stopped_mid_run_then_back(
    chroma_server: ChromaServer, server_settings, embedder: Usem3Encoder
) -> None:  # type: ignore[no-untyped-def]
    """A long-running process (the bot) keeps its library: while the server is down every call
    fails with one clear line; when it is back the same objects work again."""
    settings = server_settings()
    library = SearchIndex.from_settings(settings, embedder=embedder)
    library.ingest()
    answerer = Answerer.from_settings(settings, library=library)
    before = [p.id for p in library.retrieve("Когда обанкротилась Zhidou?", 3)]
    chroma_server.stop(kill=True)
    try:
        with pytest.raises(StoreUnavailableError, match="not reachable") as err:
            library.retrieve("Когда обанкротилась Zhidou?", 3)
        assert "\n" not in str(err.value) and chroma_server.url in str(err.value)
        with pytest.raises(StoreUnavailableError):
            library.ingest()
        with pytest.raises(StoreUnavailableError):
            library.stats()
        import asyncio

        with pytest.raises(StoreUnavailableError):
            asyncio.run(answerer.ask("t", "Когда обанкротилась Zhidou?"))
    finally:
        chroma_server.start()
    assert [p.id for p in library.retrieve("Когда обанкротилась Zhidou?", 3)] == before
    assert not library.ingest().changed  # nothing lost, nothing to redo
    assert library.stats().documents == 1


async def test_server_restarted_empty_is_noticed(
    chroma_server: ChromaServer, server_settings, embedder: Usem3Encoder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A server that comes back without its data (a new volume): readers see the empty index
    instead of stale passages, and the next ingest fills it again."""
    own = ChromaServer(tmp_path / "own-db").start()
    try:
        settings = server_settings(chroma_url=own.url)
        library = SearchIndex.from_settings(settings, embedder=embedder)
        library.ingest()
        assert library.retrieve("Когда обанкротилась Zhidou?", 3)
        own.stop()
        for leftover in own.path.iterdir():
            if leftover.is_dir():
                import shutil

                shutil.rmtree(leftover)
            else:
                leftover.unlink()
        own.start()
        assert library.retrieve("Когда обанкротилась Zhidou?", 3) == []
        report = library.ingest()
        assert report.added and library.retrieve("Когда обанкротилась Zhidou?", 3)
    finally:
        own.stop()


def test_hung_server_times_out_with_a_clear_line(
    chroma_server: ChromaServer, server_settings, embedder: Usem3Encoder
) -> None:  # type: ignore[no-untyped-def]
    settings = server_settings(chroma_timeout_s=2.0)
    library = SearchIndex.from_settings(settings, embedder=embedder)
    library.ingest()
    library.retrieve("Zhidou", 1)
    assert chroma_server.proc is not None
    os.kill(chroma_server.proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError, match="no answer in time"):
            library.store.query(embedder.encode(["Zhidou"])[0], 3)
        assert time.monotonic() - started < 10
    finally:
        os.kill(chroma_server.proc.pid, signal.SIGCONT)
    assert library.retrieve("Когда обанкротилась Zhidou?", 3)


def test_cli_with_the_server_stopped_then_started(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    env = {"CITEBOT_CHROMA_URL": chroma_server.url, "CITEBOT_COLLECTION": "cli-stop-start"}
    assert citebot(["ingest"], tmp_path / "data", **env).returncode == 0
    chroma_server.stop()
    try:
        line = one_line_error(citebot(["ask", "Когда обанкротилась Zhidou?"], tmp_path / "data",
                                      **env))
        assert "not reachable" in line and "chroma run" in line
    finally:
        chroma_server.start()
    ask = citebot(["ask", "Когда обанкротилась Zhidou?"], tmp_path / "data", **env)
    assert ask.returncode == 0 and "2019" in ask.stdout, ask.stderr


async def test_bot_on_a_server_that_stops_then_returns(
    chroma_server: ChromaServer, server_settings, embedder: Usem3Encoder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The Telegram bot (real Application, fake Bot API) over a Chroma server: while the server
    is down the user gets the one-line reason, and answers resume once it is back."""
    from tests.fake_bot_api import FakeBotAPI
    from tests.telegram_harness import BotHarness

    settings = server_settings()
    library = SearchIndex.from_settings(settings, embedder=embedder)
    library.ingest()
    with FakeBotAPI() as fake:
        bot = BotHarness(fake, tmp_path / "bot-data", library)
        await bot.start(chroma_url=settings.chroma_url, collection=settings.collection)
        try:
            assert "2019" in (await bot.ask(301, "Когда обанкротилась Zhidou?"))["text"]
            chroma_server.stop()
            try:
                down = await bot.ask(302, "Когда обанкротилась Zhidou?")
                assert "not reachable" in down["text"] and "Traceback" not in down["text"]
            finally:
                chroma_server.start()
            assert "2019" in (await bot.ask(303, "Когда обанкротилась Zhidou?"))["text"]
        finally:
            await bot.stop()
