"""Wiring: `build_application(settings, answerer)` is the one place the python-telegram-bot
`Application` is assembled (used by `citebot serve` and by the tests); `serve` runs it."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    TypeHandler,
    filters,
)

from bot.logs import RedactingFilter
from bot.service import Answerer
from bot.settings import Settings
from bot.telegram.deps import BotDeps
from bot.telegram.guard import Gate, on_error
from bot.telegram.handlers import Handlers
from bot.telegram.subscriptions import Subscriptions
from bot.telegram.watch import SourceWatcher
from index.errors import CitebotError, ConfigError

log = logging.getLogger(__name__)
TOKEN_FORMAT = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
PERSISTENCE_FILE = "telegram.pickle"
COMMANDS = [
    BotCommand("ask", "Ask a question about the sources"),
    BotCommand("sources", "Full quotes behind the last answer"),
    BotCommand("brief", "A cited digest of the sources [topic]"),
    BotCommand("reset", "Forget the conversation"),
    BotCommand("subscribe", "Daily briefing here at HH:MM"),
    BotCommand("unsubscribe", "Stop the daily briefing"),
    BotCommand("start", "What I know"),
    BotCommand("help", "How to use me"),
    BotCommand("reindex", "Re-read the sources (admins)"),
]


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


def protect_logs(token: str) -> None:
    """Keep the token out of logs: httpx logs each request URL (token included) at INFO."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter([token]))


def _file_url(base_url: str) -> str:
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url


def build_application(settings: Settings, answerer: Answerer) -> Application:
    """The bot: concurrent updates, rate limiting with retries, persistence in the data dir,
    handlers, commands and restored subscriptions."""
    token = check_token(settings)
    protect_logs(token)
    deps = BotDeps.create(settings, answerer)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    persistence = PicklePersistence(
        settings.data_dir / PERSISTENCE_FILE,
        store_data=PersistenceInput(bot_data=False, user_data=False, callback_data=False),
        update_interval=30,
    )
    handlers, subs = Handlers(deps), Subscriptions(deps)

    async def post_init(app: Application) -> None:
        await app.bot.set_my_commands(COMMANDS)
        restored = subs.restore(app)
        log.info("bot @%s ready; %d briefing subscription(s) restored", app.bot.username, restored)

    app = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(_file_url(settings.telegram_base_url))
        .concurrent_updates(settings.telegram_concurrency)
        .rate_limiter(CitebotRateLimiter(max_retries=settings.telegram_max_retries))
        .persistence(persistence)
        .post_init(post_init)
        .build()
    )
    if deps.access.open_to_everyone:
        log.warning("CITEBOT_ALLOWED_CHATS is empty: the bot answers everyone who finds it")
    new = filters.UpdateType.MESSAGE  # edited messages are ignored
    app.add_handler(TypeHandler(Update, Gate(deps)), group=-1)
    commands = {
        "start": handlers.start, "help": handlers.help, "ask": handlers.ask,
        "sources": handlers.sources, "brief": handlers.brief, "reset": handlers.reset,
        "reindex": handlers.reindex, "subscribe": subs.subscribe,
        "unsubscribe": subs.unsubscribe,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=new))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, subs.on_migrate))
    app.add_handler(MessageHandler(new & filters.COMMAND, handlers.unknown))
    app.add_handler(MessageHandler(new & (filters.TEXT | filters.CAPTION), handlers.on_text))
    app.add_handler(MessageHandler(new & ~filters.StatusUpdate.ALL, handlers.non_text))
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
    """`citebot serve`: open the index as its single writer and run the bot until stopped."""
    from index.search_index import SearchIndex

    check_token(settings)
    if settings.webhook_url:
        try:
            import tornado  # noqa: F401  (python-telegram-bot's webhook server)
        except ImportError as exc:
            raise ConfigError(
                "Webhook mode needs tornado: pip install 'python-telegram-bot[webhooks]'"
            ) from exc
    # In embedded mode the bot is the index's one writer: the lock is taken before the store is
    # opened and held for the bot's lifetime; /reindex writes under it.
    library = SearchIndex.from_settings(settings, as_writer=True)
    try:
        if library.is_empty():
            log.warning("the index is empty; ingesting %s", settings.sources_dir)
            library.ingest()
        library.retrieve("warm up", 1)  # load the embedding model before the first question
        app = build_application(settings, Answerer.from_settings(settings, library=library))
        ready = app.post_init

        async def announce(app: Application) -> None:
            if ready is not None:
                await ready(app)
            mode = "webhook" if settings.webhook_url else "long polling"
            print(f"citebot: @{app.bot.username} is running ({mode}); Ctrl+C stops it.",
                  file=sys.stderr, flush=True)

        app.post_init = announce
        _run(app, settings)
    finally:
        library.lock.release()


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
