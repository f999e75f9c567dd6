"""One small handler per command or message kind. They parse the update, call the answering
service and send its rendered answer in the user's language; no retrieval or answer logic lives
here."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.i18n import error_text, t
from bot.source_list import source_list
from bot.telegram import threads
from bot.telegram.commands import help_text
from bot.telegram.delivery import StreamingReply, Target, send_chunks, typing
from bot.telegram.deps import BotDeps
from bot.telegram.render import render_answer, render_plain, render_sources
from bot.types import Answer
from index.errors import CitebotError

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
GROUP_EDIT_INTERVAL_S = 3.0
SOURCES_PREFIX = "src:"  # callback data of the "Sources" button: "src:<stored answer id>"


def target_for(message: Message) -> Target:
    """Replies quote the question in groups; they go to the same forum topic."""
    thread = message.message_thread_id if message.is_topic_message else None
    reply_to = None if threads.is_private(message) else message.message_id
    return Target(message.chat_id, reply_to=reply_to, thread_id=thread)


async def reply(message: Message, context: Context, text: str) -> list[Message]:
    """Send plain text (escaped) as a reply to `message`."""
    return await send_chunks(context.bot, target_for(message), render_plain(text))


def sources_button(answer_id: int | None, lang: str) -> InlineKeyboardMarkup | None:
    """The "Sources" button under an answer (None when there is nothing to show)."""
    if answer_id is None:
        return None
    data = f"{SOURCES_PREFIX}{answer_id}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("button_sources", lang),
                                                       callback_data=data)]])


class Handlers:
    """The bot's update handlers for questions and conversation commands."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    # ----- questions -----
    async def on_text(self, update: Update, context: Context) -> None:
        """A text (or captioned) message: a question in private; in groups only if addressed."""
        message = update.effective_message
        if message is None:
            return
        question = threads.addressed_question(message, context.bot.bot)
        if question is not None:
            await self.answer(message, context, question)

    async def ask(self, update: Update, context: Context) -> None:
        """/ask QUESTION."""
        message = update.effective_message
        if message is not None:
            await self.answer(message, context, " ".join(context.args or []))

    async def answer(self, message: Message, context: Context, question: str) -> None:
        """Answer a question in its conversation, streaming drafts if the service streams."""
        deps = self.deps
        lang = deps.language_of(message, question)
        if not question.strip():
            await reply(message, context, t("ask_empty", lang, username=context.bot.username))
            return
        user_id = message.from_user.id if message.from_user else message.chat_id
        if not deps.user_limit.hit(user_id):
            wait = max(1, round(deps.user_limit.retry_in(user_id)))
            await reply(message, context, t("slow_down", lang, s=wait))
            return
        private = threads.is_private(message)
        if not private and deps.group_load.begin(message.chat_id):
            await reply(message, context, t("busy", lang))
        conversation = threads.conversation_id(message, deps.chats)
        root = 0 if private else threads.thread_root(message, deps.chats)
        target = target_for(message)
        interval = deps.settings.edit_interval_s
        if not private:  # edits count against the group's ~20 messages a minute
            interval = max(interval, GROUP_EDIT_INTERVAL_S)
        delay = deps.settings.typing_delay_s
        async with deps.lock(conversation), typing(context.bot, target, delay=delay):
            stream = StreamingReply(context.bot, target, interval)
            quiet = not private and deps.group_load.busy(message.chat_id)
            markup = None
            try:
                async with deps.answer_slots:  # queue in arrival order when busy
                    result = await deps.answerer.ask(
                        conversation, question, None if quiet else stream.partial
                    )
                chunks = render_answer(result, lang)
                if result.citations:
                    markup = sources_button(deps.answerer.memory.last_answer_id(conversation),
                                            lang)
            except CitebotError as exc:
                chunks = render_plain(error_text(exc, lang))
            sent = await stream.finish(chunks, markup)
        if not private:
            deps.chats.remember_thread(message.chat_id, root, [m.message_id for m in sent])

    # ----- conversation commands -----
    async def start(self, update: Update, context: Context) -> None:
        """/start: what the bot knows and a few example questions."""
        message = update.effective_message
        if message is None:
            return
        lang = self.deps.language_of(message)
        stats = await asyncio.to_thread(self.deps.answerer.stats)
        entries = await asyncio.to_thread(self.deps.answerer.documents)
        lines = [t("start", lang, documents=stats.documents, chunks=stats.chunks)]
        if listed := source_list(entries, lang):
            lines.append(listed)
        examples = "\n".join(f"• {q}" for q in self.deps.settings.example_questions)
        if examples:
            lines.append(t("start_try", lang, examples=examples))
        lines.append(t("start_help", lang))
        await reply(message, context, "\n\n".join(lines))

    async def help(self, update: Update, context: Context) -> None:
        """/help: generated from the command table."""
        message = update.effective_message
        if message is None:
            return
        user_id = message.from_user.id if message.from_user else None
        text = help_text(self.deps.language_of(message), context.bot.username,
                         admin=self.deps.access.is_admin(user_id))
        await reply(message, context, text)

    async def sources(self, update: Update, context: Context) -> None:
        """/sources: the full quotes behind the last answer (of this thread, in groups)."""
        message = update.effective_message
        if message is None:
            return
        conversation = threads.current_conversation(message, self.deps.chats)
        answer = self.deps.answerer.last_answer(conversation)
        chunks = render_sources(answer, self.deps.language_of(message))
        await send_chunks(context.bot, target_for(message), chunks)

    async def reset(self, update: Update, context: Context) -> None:
        """/reset: forget the conversation (in groups, the thread replied to)."""
        message = update.effective_message
        if message is None:
            return
        lang = self.deps.language_of(message)
        if not threads.is_private(message) and message.reply_to_message is None:
            await reply(message, context, t("reset_reply", lang))
            return
        self.deps.answerer.reset(threads.current_conversation(message, self.deps.chats))
        await reply(message, context, t("reset_done", lang))

    async def on_sources_button(self, update: Update, context: Context) -> None:
        """The "Sources" button: the quotes of that answer, as a reply to it."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        message = query.message
        data = query.data or ""
        if not isinstance(message, Message) or not data.startswith(SOURCES_PREFIX):
            return
        lang = self.deps.language(message.chat_id, query.from_user)
        try:
            answer: Answer | None = self.deps.answerer.memory.answer(
                int(data[len(SOURCES_PREFIX):])
            )
        except ValueError:
            answer = None
        target = Target(message.chat_id, reply_to=message.message_id,
                        thread_id=message.message_thread_id if message.is_topic_message else None)
        chunks = (render_sources(answer, lang) if answer is not None
                  else render_plain(t("sources_expired", lang)))
        await send_chunks(context.bot, target, chunks)

    async def callback_query(self, update: Update, context: Context) -> None:
        """Acknowledge stray button presses so the client stops waiting."""
        if update.callback_query:
            await update.callback_query.answer()

    async def non_text(self, update: Update, context: Context) -> None:
        """Stickers, photos without caption, voice…: explain in private or when replied to."""
        message = update.effective_message
        if message is None:
            return
        if threads.is_private(message) or threads.replies_to_bot(message, context.bot.bot):
            await reply(message, context, t("non_text", self.deps.language_of(message)))

    async def unknown(self, update: Update, context: Context) -> None:
        """An unknown /command in a private chat."""
        message = update.effective_message
        if message is not None and threads.is_private(message):
            await reply(message, context, t("unknown_command", self.deps.language_of(message)))
