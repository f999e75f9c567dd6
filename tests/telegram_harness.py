"""Runs the real bot (`build_application`, as `citebot serve` does) against the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.service import Answerer
from bot.settings import Settings
from bot.telegram.app import build_application
from index.search_index import SearchIndex
from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI

GROUP = -500
BOT_NAME = "citebot_test_bot"


class BotHarness:
    """Starts and stops the bot in-process; waits for what the fake Bot API receives."""

    def __init__(self, fake: FakeBotAPI, data_dir: Path, library: SearchIndex) -> None:
        self.fake = fake
        self.data_dir = data_dir
        self.library = library
        self.app: Application | None = None
        self.answerer: Answerer | None = None
        self.settings: Settings | None = None

    def make_settings(self, **overrides: Any) -> Settings:
        """Test settings: the fake's URL, the test token, this test's data dir."""
        base: dict[str, Any] = {
            "data_dir": self.data_dir,
            "sources_dir": self.library.sources_dir,
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "TELEGRAM_BASE_URL": self.fake.base_url,
            "typing_delay_s": 0,  # tests check the indicator is shown
        }
        return Settings(_env_file=None, **{**base, **overrides})  # type: ignore[call-arg]

    async def start(self, **overrides: Any) -> Application:
        """Build and start the bot the way `serve` does (post_init included), polling."""
        self.settings = self.make_settings(**overrides)
        self.answerer = Answerer.from_settings(self.settings, library=self.library)
        app = build_application(self.settings, self.answerer)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        self.app = app
        return app

    async def stop(self) -> None:
        """Stop polling and shut the application down (flushing persistence)."""
        app, self.app = self.app, None
        if app is None:
            return
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    async def wait_for(self, predicate: Any, timeout: float = 20.0) -> Any:
        """Wait (without blocking the bot) until `predicate()` is truthy; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            await asyncio.sleep(0.02)
        raise TimeoutError("condition not met in time")

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 20.0) -> list[dict]:
        """The messages delivered to `chat_id`, once there are at least `count`."""
        return await self.wait_for(
            lambda: (s := self.fake.sent(chat_id)) and len(s) >= count and s, timeout
        )

    async def ask(self, chat_id: int, text: str | None, **kw: Any) -> dict:
        """Send a message and return the bot's next message to that chat."""
        before = len(self.fake.sent(chat_id))
        self.fake.send_text(chat_id, text, **kw)
        return (await self.wait_sent(chat_id, before + 1))[before]
