"""The gate every update passes first (the allowlist) and the one error handler."""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.telegram import threads
from bot.telegram.delivery import ChatGone
from bot.telegram.deps import BotDeps
from bot.telegram.handlers import reply
from index.errors import CitebotError

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
NOT_ALLOWED = "Sorry, this bot is private: this chat is not on its allowlist."
OOPS = "Sorry, something went wrong while answering. Please try again in a moment."


class Gate:
    """Stops updates from chats and users not on the allowlist (telling them, if addressed)."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    async def __call__(self, update: Update, context: Context) -> None:
        chat, user = update.effective_chat, update.effective_user
        if self.deps.access.allows(chat.id if chat else None, user.id if user else None):
            return
        message = update.message  # edits and other updates are dropped silently
        if message is not None and _addressed(message, context):
            log.info("refused chat %s user %s (not allowlisted)", message.chat_id,
                     user.id if user else None)
            with contextlib.suppress(ChatGone, TelegramError):
                await reply(message, context, NOT_ALLOWED)
        raise ApplicationHandlerStop


def _addressed(message: Message, context: Context) -> bool:
    text = threads.message_text(message)
    if text.startswith("/"):
        command = text.split()[0].lower()
        return "@" not in command or command.endswith(f"@{context.bot.username}".lower())
    return threads.addressed_question(message, context.bot.bot) is not None


async def on_error(update: object, context: Context) -> None:
    """Log the failure with detail; tell the user something short (never for a blocked chat)."""
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
    if isinstance(err, CitebotError):
        log.warning("handler error%s: %s", where, err)
        text = str(err)
    elif isinstance(err, NetworkError):
        log.warning("network error%s: %s", where, err)
        text = OOPS
    else:
        log.error("unexpected error%s", where, exc_info=err)
        text = OOPS
    if message is None:
        return
    try:
        await reply(message, context, text)
    except (ChatGone, TelegramError) as exc:
        log.info("could not report the error to the chat: %s", exc)
