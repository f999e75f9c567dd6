"""Getting messages out: HTML chunks with chat migration and blocked-bot handling, the "typing…"
action while working, and streamed drafts edited in place (throttled)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TelegramError

from bot.telegram.render import render_draft

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class ChatGone(Exception):
    """The bot may no longer write to this chat (blocked, kicked): stop, don't retry."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"chat {chat_id} is gone (bot blocked or removed)")
        self.chat_id = chat_id


@dataclass
class Target:
    """Where replies go: a chat, optionally a forum topic and a message to reply to."""

    chat_id: int
    reply_to: int | None = None
    thread_id: int | None = None
    migrated_from: list[int] = field(default_factory=list)


async def send_chunks(
    bot: Bot, target: Target, chunks: list[str], markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send HTML chunks in order (the first one as a reply; `markup`, e.g. the "Sources"
    button, under the last). Follows `ChatMigrated` to the new chat id; raises `ChatGone` on
    `Forbidden`."""
    sent: list[Message] = []
    for i, chunk in enumerate(chunks):
        reply = target.reply_to if i == 0 else (sent[0].message_id if sent else None)
        last = markup if i == len(chunks) - 1 else None
        sent.append(await _send_one(bot, target, chunk, reply, last))
    return sent


async def _send_one(
    bot: Bot, target: Target, text: str, reply_to: int | None,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    retried = False
    for _ in range(3):
        params = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to and not target.migrated_from
            else None
        )
        try:
            return await bot.send_message(
                chat_id=target.chat_id,
                text=text,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_parameters=params,
                message_thread_id=target.thread_id,
                reply_markup=markup,
            )
        except ChatMigrated as exc:
            log.info("chat %s migrated to %s; resending", target.chat_id, exc.new_chat_id)
            target.migrated_from.append(target.chat_id)
            target.chat_id = int(exc.new_chat_id)
            target.thread_id = None
        except Forbidden as exc:
            log.info("cannot write to chat %s: %s", target.chat_id, exc.message)
            raise ChatGone(target.chat_id) from exc
        except BadRequest:
            raise
        except NetworkError as exc:  # a dropped connection: one more try, then give up
            if retried:
                raise
            log.warning("sending to chat %s failed (%s); retrying once", target.chat_id, exc)
            retried = True
    raise ChatGone(target.chat_id)


@contextlib.asynccontextmanager
async def typing(
    bot: Bot, target: Target, every: float = 4.5, delay: float = 0.0
) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends (Telegram clears it after ~5 s), from
    `delay` seconds on: a reply faster than that needs no indicator, and under a burst of
    questions the chat actions were the event loop's largest cost (bench/results/telegram.md)."""

    async def keep() -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        while True:
            try:
                await bot.send_chat_action(
                    target.chat_id, ChatAction.TYPING, message_thread_id=target.thread_id
                )
            except TelegramError as exc:  # best effort only
                log.debug("chat action failed: %s", exc)
                return
            await asyncio.sleep(every)

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class StreamingReply:
    """A reply that shows the answer as it is written: the first draft is sent, later drafts
    edit it at most once per `interval` seconds, and `finish` puts the final text in place."""

    def __init__(self, bot: Bot, target: Target, interval: float = 1.0) -> None:
        self.bot = bot
        self.target = target
        self.interval = interval
        self.message: Message | None = None
        self.edits = 0
        self._shown = ""
        self._last_edit = 0.0

    async def partial(self, text: str) -> None:
        """Show a draft if at least `interval` seconds passed since the last update."""
        draft = render_draft(text)
        if draft == self._shown:
            return
        if self.message is None:
            self.message = await _send_one(self.bot, self.target, draft, self.target.reply_to)
        elif time.monotonic() - self._last_edit >= self.interval:
            await self._edit(draft)
        else:
            return
        self._shown = draft
        self._last_edit = time.monotonic()

    async def finish(
        self, chunks: list[str], markup: InlineKeyboardMarkup | None = None
    ) -> list[Message]:
        """Deliver the final answer: edit the draft into the first chunk, send the rest
        (`markup` goes under the last message)."""
        if self.message is None:
            return await send_chunks(self.bot, self.target, chunks, markup)
        wait = self.interval - (time.monotonic() - self._last_edit)
        if wait > 0:
            await asyncio.sleep(wait)
        only = len(chunks) == 1
        if chunks[0] != self._shown or (only and markup is not None):
            await self._edit(chunks[0], markup if only else None)
        rest = Target(self.target.chat_id, self.message.message_id, self.target.thread_id)
        later = await send_chunks(self.bot, rest, chunks[1:], None if only else markup)
        return [self.message, *later]

    async def _edit(self, html_text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        assert self.message is not None
        try:
            await self.bot.edit_message_text(
                html_text,
                chat_id=self.message.chat_id,
                message_id=self.message.message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
            self.edits += 1
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise
        except Forbidden as exc:
            raise ChatGone(self.message.chat_id) from exc
