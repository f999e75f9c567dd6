"""Wiring: `build_application(settings, answerer, chats)` is the one place the
python-telegram-bot `Application` is assembled (used by `citebot serve` and by the tests);
handlers, the command menu (English and Russian) and /help all come from the command table in
`bot/telegram/commands.py`. `serve` opens the runtime as the index's writer and runs the bot."""

from __future__ import annotations

import gc
import logging
import re
import sys
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.chat_store import ChatStore
from bot.logs import RedactingFilter
from bot.service import Answerer
from bot.settings import Settings
from bot.telegram.admin import Admin
from bot.telegram.briefings import Briefings
from bot.telegram.commands import COMMANDS, menus
from bot.telegram.deps import BotDeps
from bot.telegram.errors import on_error
from bot.telegram.gate import Gate
from bot.telegram.handlers import SOURCES_PREFIX, Handlers
from bot.telegram.watch import SourceWatcher
from index.errors import CitebotError, ConfigError

log = logging.getLogger(__name__)
TOKEN_FORMAT = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


def check_token(settings: Settings) -> str:
    """The bot token, or a one-line `ConfigError` if it is missing or malformed."""
    secret = settings.telegram_bot_token
    token = secret.get_secret_value().strip() if secret else ""
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token in .env"
        )
    if not TOKEN_FORMAT.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed: expected '<digits>:<35 letters>' as given by "
            "@BotFather"
        )
    return token


class CitebotRateLimiter(AIORateLimiter):
    """`AIORateLimiter` that retries on `RetryAfter` and lets chat actions ("typing…") through
    unthrottled and unretried, so they never use up a group's ~20 messages a minute."""

    async def process_request(
        self, callback: Any, args: Any, kwargs: dict[str, Any], endpoint: str,
        data: dict[str, Any], rate_limit_args: int | None,
    ) -> Any:
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def rate_limiter(settings: Settings) -> CitebotRateLimiter:
    """`CITEBOT_TELEGRAM_RATE` messages a second to all chats together, of which up to
    `CITEBOT_TELEGRAM_BURST` may leave at once (a leaky bucket of that depth; 0 = no overall
    limit); groups keep python-telegram-bot's 20 a minute; 429s are retried."""
    rate, burst = settings.telegram_rate, settings.telegram_burst
    return CitebotRateLimiter(
        overall_max_rate=burst if rate else 0,
        overall_time_period=burst / rate if rate else 0,
        max_retries=settings.telegram_max_retries,
    )


def protect_logs(token: str) -> None:
    """Keep the token out of logs: httpx logs each request URL (token included) at INFO."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter([token]))


def file_url(settings: Settings) -> str:
    """Where documents are downloaded from: TELEGRAM_BASE_FILE_URL, else the base URL with
    `.../bot` -> `.../file/bot` (as api.telegram.org and a self-hosted Bot API server do)."""
    if settings.telegram_base_file_url:
        return settings.telegram_base_file_url
    base = settings.telegram_base_url
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base


def build_application(
    settings: Settings, answerer: Answerer, chats: ChatStore | None = None
) -> Application:
    """The bot: concurrent updates, rate limiting with retries, handlers from the command
    table, the command menu in both languages and restored subscriptions. Per-chat state is
    kept in `chats` (the SQLite state), not in PTB persistence."""
    token = check_token(settings)
    protect_logs(token)
    if chats is None:
        chats = ChatStore(answerer.memory.db)
    deps = BotDeps.create(settings, answerer, chats)
    handlers, briefings, admin = Handlers(deps), Briefings(deps), Admin(deps)

    async def post_init(app: Application) -> None:
        for language, commands in menus().items():
            await app.bot.set_my_commands(commands, language_code=language)
        restored = briefings.restore(app)
        log.info("bot @%s ready; %d briefing subscription(s) restored", app.bot.username, restored)

    app = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(file_url(settings))
        .concurrent_updates(settings.telegram_concurrency)
        .rate_limiter(rate_limiter(settings))
        .post_init(post_init)
        .build()
    )
    if deps.access.open_to_everyone:
        log.warning("CITEBOT_ALLOWED_CHATS is empty: the bot answers everyone who finds it")
    new = filters.UpdateType.MESSAGE  # edited messages are ignored
    app.add_handler(TypeHandler(Update, Gate(deps)), group=-1)
    owners = (handlers, briefings, admin)
    for command in COMMANDS:
        callback = next(getattr(o, command.handler) for o in owners if hasattr(o, command.handler))
        app.add_handler(CommandHandler(command.name, callback, filters=new))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, briefings.on_migrate))
    app.add_handler(MessageHandler(new & filters.Document.ALL, admin.on_document))
    app.add_handler(MessageHandler(new & filters.COMMAND, handlers.unknown))
    app.add_handler(MessageHandler(new & (filters.TEXT | filters.CAPTION), handlers.on_text))
    app.add_handler(MessageHandler(new & ~filters.StatusUpdate.ALL, handlers.non_text))
    app.add_handler(CallbackQueryHandler(handlers.on_sources_button, pattern=f"^{SOURCES_PREFIX}"))
    app.add_handler(CallbackQueryHandler(handlers.callback_query))
    app.add_error_handler(on_error)
    if settings.watch_sources_s and app.job_queue is not None:
        watcher = SourceWatcher(deps, settings.sources_dir)
        app.job_queue.run_repeating(
            watcher.tick, settings.watch_sources_s, first=settings.watch_sources_s,
            name="watch-sources",
        )
    return app


def serve(settings: Settings) -> None:
    """`citebot serve`: open the runtime as the index's single writer and run the bot."""
    from bot.runtime import open_runtime

    check_token(settings)
    if settings.webhook_url:
        try:
            import tornado  # noqa: F401  (python-telegram-bot's webhook server)
        except ImportError as exc:
            raise ConfigError(
                "Webhook mode needs tornado: pip install 'python-telegram-bot[webhooks]'"
            ) from exc
    # In embedded mode the bot is the index's one writer: the lock is taken before the store is
    # opened and held for the bot's lifetime; uploads and /reindex write under it.
    with open_runtime(settings, writer=True) as runtime:
        runtime.index.retrieve("warm up", 1)  # load the embedding model before the first question
        runtime.index.embedder.warm()  # and all of it: the bot runs for long
        gc.collect()
        gc.freeze()  # start-up objects (model, indexes) are never garbage: don't rescan them
        app = build_application(settings, runtime.answerer, runtime.chats)
        ready = app.post_init

        async def announce(app: Application) -> None:
            if ready is not None:
                await ready(app)
            mode = "webhook" if settings.webhook_url else "long polling"
            print(f"citebot: @{app.bot.username} is running ({mode}); Ctrl+C stops it.",
                  file=sys.stderr, flush=True)

        app.post_init = announce
        _run(app, settings)


def _run(app: Application, settings: Settings) -> None:
    """Poll (or serve the webhook) until stopped; start-up failures become one-line errors."""
    try:
        if settings.webhook_url:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=secret or None,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken as exc:
        raise ConfigError(
            "Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?): check it with @BotFather"
        ) from exc
    except NetworkError as exc:
        raise CitebotError(
            f"Cannot reach the Bot API at {settings.telegram_base_url}: {exc.message}"
        ) from exc
