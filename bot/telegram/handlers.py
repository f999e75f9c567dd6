"""One small handler per command or message kind. They parse the update, call the answering
service and send its rendered answer; no retrieval or answer logic lives here."""

from __future__ import annotations

import asyncio
import logging

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.telegram import threads
from bot.telegram.delivery import StreamingReply, Target, send_chunks, typing
from bot.telegram.deps import BotDeps
from bot.telegram.render import render_answer, render_plain, render_sources
from bot.types import Answer
from index.errors import CitebotError

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

HELP = """I answer questions from my source documents and cite the exact passages [n].

In a private chat just write your question. In a group, mention me (@{username} …), reply to one \
of my answers, or use /ask.

/ask QUESTION — ask a question
/sources — the full quotes behind my last answer
/brief [TOPIC] — a digest of the sources (or of a topic)
/reset — forget our conversation (in a group: reply /reset to my answer)
/subscribe HH:MM — a daily briefing in this chat (group admins); /unsubscribe to stop
/reindex — re-read the sources (bot admins)"""

NON_TEXT = "I can only read text. Send me your question in words (a photo caption works too)."
SLOW_DOWN = "You're asking faster than I can answer well. Please try again in {s} s."
GROUP_EDIT_INTERVAL_S = 3.0
BUSY = "It's busy here: I'm answering in turn, so my reply may take a minute."


def target_for(message: Message) -> Target:
    """Replies quote the question in groups; they go to the same forum topic."""
    thread = message.message_thread_id if message.is_topic_message else None
    reply_to = None if threads.is_private(message) else message.message_id
    return Target(message.chat_id, reply_to=reply_to, thread_id=thread)


async def reply(message: Message, context: Context, text: str) -> list[Message]:
    """Send plain text (escaped) as a reply to `message`."""
    return await send_chunks(context.bot, target_for(message), render_plain(text))


class Handlers:
    """The bot's update handlers, bound to their collaborators."""

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
        if message is None:
            return
        question = " ".join(context.args or [])
        await self.answer(message, context, question)

    async def answer(self, message: Message, context: Context, question: str) -> None:
        """Answer a question in its conversation, streaming drafts if the service streams."""
        if not question.strip():
            name = context.bot.username
            await reply(message, context, f"Ask me a question, e.g. /ask … or @{name} …")
            return
        user_id = message.from_user.id if message.from_user else message.chat_id
        if not self.deps.user_limit.hit(user_id):
            wait = max(1, round(self.deps.user_limit.retry_in(user_id)))
            await reply(message, context, SLOW_DOWN.format(s=wait))
            return
        private = threads.is_private(message)
        if not private and self.deps.group_load.begin(message.chat_id):
            await reply(message, context, BUSY)
        chat_data = None if private else context.chat_data
        conversation = threads.conversation_id(message, chat_data)
        root = threads.thread_root(message, chat_data) if chat_data is not None else 0
        target = target_for(message)
        interval = self.deps.settings.edit_interval_s
        if not private:  # edits count against the group's ~20 messages a minute
            interval = max(interval, GROUP_EDIT_INTERVAL_S)
        async with self.deps.lock(conversation), typing(context.bot, target):
            stream = StreamingReply(context.bot, target, interval)
            quiet = not private and self.deps.group_load.busy(message.chat_id)
            try:
                async with self.deps.answer_slots:  # queue in arrival order when busy
                    result = await self.deps.answerer.ask(
                        conversation, question, None if quiet else stream.partial
                    )
                chunks = render_answer(result)
            except CitebotError as exc:
                chunks = render_plain(str(exc))
            sent = await stream.finish(chunks)
        threads.remember(chat_data, root, [m.message_id for m in sent])

    # ----- other commands -----
    async def start(self, update: Update, context: Context) -> None:
        """/start: what the bot knows and a few example questions."""
        message = update.effective_message
        if message is None:
            return
        stats = await asyncio.to_thread(self.deps.answerer.stats)
        names = ", ".join(stats.sources[:5]) + (" …" if len(stats.sources) > 5 else "")
        lines = [
            f"Hi! I answer questions from {stats.documents} source document(s) "
            f"({stats.chunks} passages), citing the exact passage for every claim.",
        ]
        if names:
            lines.append(f"Sources: {names}")
        examples = "\n".join(f"• {q}" for q in self.deps.settings.example_questions)
        if examples:
            lines.append(f"Try asking:\n{examples}")
        lines.append("/help lists the commands.")
        await reply(message, context, "\n\n".join(lines))

    async def help(self, update: Update, context: Context) -> None:
        """/help."""
        if update.effective_message:
            await reply(update.effective_message, context,
                        HELP.format(username=context.bot.username))

    async def sources(self, update: Update, context: Context) -> None:
        """/sources: the full quotes behind the last answer (of this thread, in groups)."""
        message = update.effective_message
        if message is None:
            return
        answer = self.deps.answerer.last_answer(self._conversation_of(message, context))
        await send_chunks(context.bot, target_for(message), render_sources(answer))

    async def reset(self, update: Update, context: Context) -> None:
        """/reset: forget the conversation (in groups, the thread replied to)."""
        message = update.effective_message
        if message is None:
            return
        if not threads.is_private(message) and message.reply_to_message is None:
            await reply(message, context, "Reply /reset to my answer to forget that thread.")
            return
        self.deps.answerer.reset(self._conversation_of(message, context))
        await reply(message, context, "Done: I've forgotten our conversation.")

    async def brief(self, update: Update, context: Context) -> None:
        """/brief [TOPIC]: a cited digest of the sources."""
        message = update.effective_message
        if message is None:
            return
        topic = " ".join(context.args or []).strip() or None
        target = target_for(message)
        async with typing(context.bot, target):
            try:
                result: Answer = await self.deps.answerer.brief(topic)
                chunks = render_answer(result)
            except CitebotError as exc:
                chunks = render_plain(str(exc))
        sent = await send_chunks(context.bot, target, chunks)
        if not threads.is_private(message):
            threads.remember(context.chat_data, message.message_id, [m.message_id for m in sent])

    async def reindex(self, update: Update, context: Context) -> None:
        """/reindex (bot admins): re-ingest the sources inside the bot process."""
        message = update.effective_message
        if message is None:
            return
        if not self.deps.access.is_admin(message.from_user.id if message.from_user else None):
            await reply(message, context, "Only the bot's admins can re-index the sources.")
            return
        if self.deps.reindex_lock.locked():
            await reply(message, context, "Re-indexing is already running.")
            return
        async with self.deps.reindex_lock:
            await reply(message, context, "Re-indexing the sources…")
            try:
                rep = await self.deps.answerer.reindex()
            except CitebotError as exc:
                await reply(message, context, f"Re-indexing failed: {exc}")
                return
        skipped = "; ".join(f"{name} ({why})" for name, why in rep.skipped[:5])
        text = (
            f"Re-indexed in {rep.seconds:.1f} s: {len(rep.added)} added, {len(rep.updated)} "
            f"updated, {len(rep.removed)} removed, {len(rep.unchanged)} unchanged; "
            f"{rep.chunks_total} passages."
        )
        await reply(message, context, text + (f"\nSkipped: {skipped}" if skipped else ""))

    async def non_text(self, update: Update, context: Context) -> None:
        """Stickers, photos without caption, voice…: explain in private or when replied to."""
        message = update.effective_message
        if message is None:
            return
        if threads.is_private(message) or threads.replies_to_bot(message, context.bot.bot):
            await reply(message, context, NON_TEXT)

    async def unknown(self, update: Update, context: Context) -> None:
        """An unknown /command in a private chat."""
        message = update.effective_message
        if message is not None and threads.is_private(message):
            await reply(message, context, "I don't know that command. /help lists mine.")

    async def callback_query(self, update: Update, context: Context) -> None:
        """Acknowledge stray button presses so the client stops waiting."""
        if update.callback_query:
            await update.callback_query.answer()

    def _conversation_of(self, message: Message, context: Context) -> str:
        if threads.is_private(message):
            return threads.conversation_id(message, None)
        chat_data = context.chat_data if context.chat_data is not None else {}
        if message.reply_to_message is not None:
            return threads.conversation_id(message, chat_data)
        root = chat_data.get(threads.LAST_ROOT_KEY, message.message_id)
        return f"tg:{message.chat_id}:{root}"

