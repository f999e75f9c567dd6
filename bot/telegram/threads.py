"""Whether a message is meant for the bot, what its question is, and which conversation it
belongs to: the chat in private, the reply thread in groups (so two people's conversations don't
mix). The thread map lives in the SQLite state (`bot/state.py`)."""

from __future__ import annotations

from telegram import Message, MessageEntity, User
from telegram.constants import ChatType

from bot.chat_store import ChatStore


def is_private(message: Message) -> bool:
    """True for a one-to-one chat with the bot."""
    return message.chat.type == ChatType.PRIVATE


def message_text(message: Message) -> str:
    """The text of a message, or its caption (a captioned photo counts as text)."""
    return message.text or message.caption or ""


def replies_to_bot(message: Message, bot: User) -> bool:
    """True if the message replies to one of the bot's messages."""
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def mentions_bot(message: Message, bot: User) -> bool:
    """True if the message (or caption) mentions the bot by @username or text mention."""
    username = f"@{bot.username}".lower() if bot.username else None
    parsed = {**message.parse_entities(), **message.parse_caption_entities()}
    for entity, text in parsed.items():
        if entity.type == MessageEntity.MENTION and username and text.lower() == username:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


def strip_mention(text: str, bot: User) -> str:
    """The question without the bot's @username."""
    if bot.username:
        for form in (f"@{bot.username}", f"@{bot.username.lower()}"):
            text = text.replace(form, " ")
    return " ".join(text.split())


def addressed_question(message: Message, bot: User) -> str | None:
    """The question a message asks the bot, or None if the bot should stay silent.

    Private chats: any text. Groups: only when the bot is mentioned or replied to.
    """
    text = message_text(message)
    if is_private(message):
        return text
    if mentions_bot(message, bot) or replies_to_bot(message, bot):
        return strip_mention(text, bot)
    return None


def thread_root(message: Message, chats: ChatStore) -> int:
    """The root message id of the reply thread this message belongs to."""
    replied = message.reply_to_message
    if replied is not None:
        return chats.thread_root(message.chat_id, replied.message_id) or replied.message_id
    return message.message_id


def conversation_id(message: Message, chats: ChatStore) -> str:
    """The service's conversation id: per chat in private, per reply thread in groups."""
    if is_private(message):
        return f"tg:{message.chat_id}"
    return f"tg:{message.chat_id}:{thread_root(message, chats)}"


def current_conversation(message: Message, chats: ChatStore) -> str:
    """The conversation a command (/sources, /reset) refers to: the chat in private; in groups
    the thread replied to, else the thread the bot last answered in."""
    if is_private(message) or message.reply_to_message is not None:
        return conversation_id(message, chats)
    root = chats.get(message.chat_id).get("last_root", message.message_id)
    return f"tg:{message.chat_id}:{root}"
