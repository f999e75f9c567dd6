"""Who gets through: the gate every update passes first (the allowlist), and whether a user may
change a chat's settings (group admins, bot admins, anyone in private)."""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.i18n import t
from bot.telegram import threads
from bot.telegram.delivery import ChatGone
from bot.telegram.deps import BotDeps
from bot.telegram.handlers import reply

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


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
                await reply(message, context, t("not_allowed", self.deps.language_of(message)))
        raise ApplicationHandlerStop


def _addressed(message: Message, context: Context) -> bool:
    text = threads.message_text(message)
    if text.startswith("/"):
        command = text.split()[0].lower()
        return "@" not in command or command.endswith(f"@{context.bot.username}".lower())
    return threads.addressed_question(message, context.bot.bot) is not None


async def may_manage(deps: BotDeps, message: Message, context: Context) -> bool:
    """True if the sender may change this chat's settings: anyone in private, bot admins, and
    a group's own admins (asked with getChatMember)."""
    user_id = message.from_user.id if message.from_user else None
    if threads.is_private(message) or deps.access.is_admin(user_id):
        return True
    if user_id is None:
        return False
    try:
        member = await context.bot.get_chat_member(message.chat_id, user_id)
    except TelegramError as exc:
        log.info("getChatMember failed: %s", exc)
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
