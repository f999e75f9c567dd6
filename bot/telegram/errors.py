"""The one error handler: log the failure with detail, tell the user something short in their
language (never for a chat that blocked the bot)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import pick_language, t
from bot.telegram.delivery import ChatGone
from bot.telegram.handlers import reply
from index.errors import CitebotError

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


async def on_error(update: object, context: Context) -> None:
    """Registered with `Application.add_error_handler`."""
    err = context.error
    if isinstance(err, (ChatGone, Forbidden)):
        log.info("chat unavailable: %s", err)
        return
    if isinstance(err, RetryAfter):  # retries exhausted: another message would be refused too
        log.warning("reply dropped under flood control: %s", err)
        return
    where = ""
    message = update.effective_message if isinstance(update, Update) else None
    if message is not None:
        where = f" (chat {message.chat_id}, message {message.message_id})"
    user = message.from_user if message is not None else None
    lang = pick_language(user.language_code if user else None,
                         text=message.text if message is not None else None)
    if isinstance(err, CitebotError):
        log.warning("handler error%s: %s", where, err)
        text = str(err)
    elif isinstance(err, NetworkError):
        log.warning("network error%s: %s", where, err)
        text = t("oops", lang)
    else:
        log.error("unexpected error%s", where, exc_info=err)
        text = t("oops", lang)
    if message is None:
        return
    try:
        await reply(message, context, text)
    except (ChatGone, TelegramError) as exc:
        log.info("could not report the error to the chat: %s", exc)
