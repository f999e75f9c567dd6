"""The bot's smaller parts: access rules, rate limits, token checks and log redaction, and the
throttled streaming reply (a real Bot talking to the fake Bot API)."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest
from telegram import Bot

from bot.settings import Settings
from bot.telegram.access import Access, GroupLoad, SlidingWindow
from bot.telegram.app import check_token, protect_logs, rate_limiter, serve
from bot.telegram.delivery import StreamingReply, Target
from index.errors import ConfigError
from tests.conftest import SEEDS
from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_allowlist_and_admins():
    assert Access([], []).allows(1, 2) and Access([], []).open_to_everyone
    access = Access([-100, 5], [9])
    assert access.allows(-100, 1) and access.allows(3, 5) and not access.allows(3, 4)
    assert access.is_admin(9) and not access.is_admin(5) and not access.is_admin(None)


def test_sliding_window_and_group_load():
    clock = Clock()
    limit = SlidingWindow(2, 60, clock)
    assert limit.hit(1) and limit.hit(1) and not limit.hit(1) and limit.hit(2)
    clock.now = 30
    assert limit.retry_in(1) == pytest.approx(30)
    clock.now = 61
    assert limit.hit(1)
    load = GroupLoad(threshold=2, clock=clock)
    assert [load.begin(-1) for _ in range(4)] == [False, False, True, False]  # one notice/min
    clock.now = 200
    assert not load.begin(-1)


def test_settings_parse_comma_separated_ids():
    s = Settings(_env_file=None, allowed_chats="1, -100200", admin_ids="7")  # type: ignore[call-arg]
    assert s.allowed_chats == [1, -100200] and s.admin_ids == [7]
    with pytest.raises(ValueError):
        Settings(_env_file=None, admin_ids="bob")  # type: ignore[call-arg]


@pytest.mark.parametrize("token", [None, "", "abc", "123:short", "12345:" + "x" * 34 + "!"])
def test_missing_or_malformed_token_is_a_one_line_error(token: str | None, tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path, TELEGRAM_BOT_TOKEN=token)  # type: ignore[call-arg]
    with pytest.raises(ConfigError) as err:
        check_token(settings)
    assert "\n" not in str(err.value) and "TELEGRAM_BOT_TOKEN" in str(err.value)


def test_token_is_redacted_from_logs(caplog: pytest.LogCaptureFixture):
    protect_logs(TEST_TOKEN)
    for handler in logging.getLogger().handlers:  # caplog's handler gets the filter too
        assert handler.filters
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("telegram.test").info("POST http://x/bot%s/getMe", TEST_TOKEN)
        logging.getLogger("httpx").info("HTTP Request: POST http://x/bot%s/getMe", TEST_TOKEN)
    assert TEST_TOKEN not in caplog.text
    assert "getMe" in caplog.text
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


async def test_streaming_edits_are_throttled():
    with FakeBotAPI() as fake:
        async with Bot(TEST_TOKEN, base_url=fake.base_url) as bot:
            stream = StreamingReply(bot, Target(42), interval=1.0)
            for i in range(120):  # a fast LLM: a new draft every 10 ms for over a second
                await stream.partial("Zhidou " * (i + 1))
                await asyncio.sleep(0.01)
            await stream.finish(["<b>Final</b> [1]", "second part"])
        [draft] = fake.calls_of("sendMessage", 42)[:1]
        edits = fake.calls_of("editMessageText")
        assert 1 <= len(edits) < 120 / 10  # far fewer edits than drafts
        times = [draft.at] + [e.at for e in edits]
        assert all(b - a >= 0.95 for a, b in itertools.pairwise(times))
        assert edits[-1].params["text"] == "<b>Final</b> [1]"
        assert [m["text"] for m in fake.sent(42)][-1] == "second part"


def test_webhook_mode_without_tornado_is_a_clear_error(tmp_path):
    try:
        import tornado  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("tornado is installed: webhook mode is available")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        webhook_url="https://bot.example.com/telegram",
    )
    with pytest.raises(ConfigError, match="webhooks"):
        serve(settings)


def test_token_rejected_by_the_server_is_a_one_line_error(tmp_path):
    with FakeBotAPI(token="999999999:AAHsomeOtherBotsTokenxxxxxxxxxxxxxx") as fake:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, data_dir=tmp_path, sources_dir=SEEDS, TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_BASE_URL=fake.base_url,
        )
        with pytest.raises(ConfigError, match="rejected") as err:
            serve(settings)
        assert "\n" not in str(err.value)
        assert [c.method for c in fake.calls] == []  # refused before any method was served


async def test_a_burst_of_replies_to_many_chats_is_not_held_back():
    """50 replies to 50 private chats leave at once (the default burst is two seconds' worth of
    Telegram's ~30 messages a second); with CITEBOT_TELEGRAM_RATE=0 there is no overall limit."""
    limiter = rate_limiter(Settings(_env_file=None))  # type: ignore[call-arg]
    await limiter.initialize()
    sent: list[int] = []

    async def send(chat: int) -> bool:
        sent.append(chat)
        return True

    await asyncio.gather(*(
        limiter.process_request(send, (chat,), {}, "sendMessage", {"chat_id": chat}, None)
        for chat in range(1, 51)
    ))
    assert sorted(sent) == list(range(1, 51))
    bucket = limiter._base_limiter
    assert bucket is not None and bucket.max_rate == 60 and bucket.time_period == 2
    assert bucket.has_capacity(10)  # room left: nothing waited
    unlimited = rate_limiter(Settings(_env_file=None, telegram_rate=0))  # type: ignore[call-arg]
    assert unlimited._base_limiter is None
