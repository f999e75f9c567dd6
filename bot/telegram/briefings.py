"""Briefings and chat settings: `/brief [new | TOPIC]`, daily what's-new briefings
(`/subscribe HH:MM`, `/unsubscribe`, run by the JobQueue) and `/language ru|en`. The briefing
time, the language and the "last briefed" mark live in the SQLite chat state, so they survive
restarts."""

from __future__ import annotations

import datetime as dt
import logging
import re

from telegram import Message, Update
from telegram.ext import Application, ContextTypes, Job, JobQueue

from bot.i18n import LANGUAGES, t
from bot.telegram import threads
from bot.telegram.delivery import ChatGone, Target, send_chunks, typing
from bot.telegram.deps import BotDeps
from bot.telegram.gate import may_manage
from bot.telegram.handlers import reply, sources_button, target_for
from bot.telegram.render import Block, answer_blocks, pack, render_answer, render_plain
from bot.whats_new import NEW_WORDS, brief_new
from index.errors import CitebotError

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
SUB_KEY = "subscription"  # chat state: "HH:MM"
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def parse_hhmm(text: str) -> dt.time | None:
    """"07:30" -> time(7, 30); None if malformed."""
    m = _HHMM.match(text.strip())
    return dt.time(int(m.group(1)), int(m.group(2))) if m else None


def job_name(chat_id: int) -> str:
    """The JobQueue name of a chat's briefing job."""
    return f"brief:{chat_id}"


class Briefings:
    """Digests, what's-new briefings and their schedule; the chat's language."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    # ----- what's new -----
    async def whats_new(self, chat_id: int, lang: str) -> tuple[list[str], int | None]:
        """The what's-new briefing for a chat as HTML chunks (or one line saying nothing is
        new) and the stored answer id for its "Sources" button; moves the chat's mark."""
        deps = self.deps
        news = await brief_new(deps.answerer, deps.chats, chat_id, deps.tz)
        since = news.since or t("the_start", lang)
        if news.answer is None:
            key = "nothing_new_ever" if news.empty else "nothing_new"
            return render_plain(t(key, lang, since=since)), None
        answer = news.answer
        head = t("whats_new", lang, since=since, names=", ".join(news.changed[:10]))
        answer_id = deps.answerer.memory.save_answer(answer) if answer.citations else None
        return pack([Block(head, "<b>", "</b>"), *answer_blocks(answer, lang)]), answer_id

    async def brief(self, update: Update, context: Context) -> None:
        """/brief [new | TOPIC]: what's new since this chat's last briefing, or a digest."""
        message = update.effective_message
        if message is None:
            return
        words = " ".join(context.args or []).strip()
        lang = self.deps.language_of(message, words or None)
        target = target_for(message)
        answer_id = None
        async with typing(context.bot, target):
            try:
                if words.lower() in NEW_WORDS:
                    chunks, answer_id = await self.whats_new(message.chat_id, lang)
                else:
                    result = await self.deps.answerer.brief(words or None)
                    chunks = render_answer(result, lang)
                    if result.citations:
                        answer_id = self.deps.answerer.memory.save_answer(result)
            except CitebotError as exc:
                chunks = render_plain(str(exc))
        sent = await send_chunks(context.bot, target, chunks, sources_button(answer_id, lang))
        if not threads.is_private(message):
            self.deps.chats.remember_thread(message.chat_id, message.message_id,
                                            [m.message_id for m in sent])

    async def fire(self, context: Context) -> None:
        """The daily job: what's new in the chat; a chat that blocked the bot is unsubscribed."""
        job = context.job
        assert job is not None and job.chat_id is not None
        lang = self.deps.language(job.chat_id, None)
        answer_id = None
        try:
            chunks, answer_id = await self.whats_new(job.chat_id, lang)
        except CitebotError as exc:
            chunks = render_plain(t("brief_unavailable", lang, error=exc))
        target = Target(job.chat_id)
        try:
            await send_chunks(context.bot, target, chunks, sources_button(answer_id, lang))
        except ChatGone:
            log.info("chat %s is gone; cancelling its briefing", job.chat_id)
            job.schedule_removal()
            self.deps.chats.update(job.chat_id, **{SUB_KEY: None})
            return
        if target.migrated_from:
            self.move(context.application, job.chat_id, target.chat_id)

    # ----- schedule -----
    def schedule(self, job_queue: JobQueue, chat_id: int, hhmm: str) -> Job:
        """(Re)schedule the daily briefing for a chat at HH:MM in the configured time zone."""
        when = parse_hhmm(hhmm)
        if when is None:
            raise ValueError(f"bad time {hhmm!r}")
        self.unschedule(job_queue, chat_id)
        return job_queue.run_daily(
            self.fire, when.replace(tzinfo=self.deps.tz), chat_id=chat_id, name=job_name(chat_id)
        )

    @staticmethod
    def unschedule(job_queue: JobQueue, chat_id: int) -> bool:
        """Remove a chat's briefing job; True if there was one."""
        jobs = job_queue.get_jobs_by_name(job_name(chat_id))
        for job in jobs:
            job.schedule_removal()
        return bool(jobs)

    def restore(self, app: Application) -> int:
        """Re-schedule every stored subscription (called once at start-up)."""
        assert app.job_queue is not None
        count = 0
        for chat_id, hhmm in self.deps.chats.all_with(SUB_KEY).items():
            if parse_hhmm(hhmm):
                self.schedule(app.job_queue, chat_id, hhmm)
                count += 1
        return count

    def move(self, app: Application, old: int, new: int) -> None:
        """Carry a chat's state and briefing over to a migrated chat id."""
        assert app.job_queue is not None
        self.unschedule(app.job_queue, old)
        self.deps.chats.move(old, new)
        hhmm = self.deps.chats.get(new).get(SUB_KEY)
        if hhmm:
            self.schedule(app.job_queue, new, hhmm)

    # ----- commands -----
    async def _managed(self, update: Update, context: Context) -> tuple[Message, str] | None:
        """The message and its reply language if its sender may change this chat's settings
        (group admins; anyone in a private chat); others get a refusal."""
        message = update.effective_message
        if message is None:
            return None
        lang = self.deps.language_of(message)
        if not await may_manage(self.deps, message, context):
            await reply(message, context, t("group_admins_only", lang))
            return None
        return message, lang

    async def subscribe(self, update: Update, context: Context) -> None:
        """/subscribe HH:MM (group admins; anyone in a private chat)."""
        managed = await self._managed(update, context)
        if managed is None or context.job_queue is None:
            return
        message, lang = managed
        when = parse_hhmm((context.args or [""])[0])
        if when is None:
            await reply(message, context, t("subscribe_usage", lang))
            return
        hhmm = when.strftime("%H:%M")
        self.deps.chats.update(message.chat_id, **{SUB_KEY: hhmm})
        self.schedule(context.job_queue, message.chat_id, hhmm)
        await reply(message, context, t("subscribed", lang, hhmm=hhmm, tz=self.deps.tz.key))

    async def unsubscribe(self, update: Update, context: Context) -> None:
        """/unsubscribe."""
        managed = await self._managed(update, context)
        if managed is None or context.job_queue is None:
            return
        message, lang = managed
        had = self.deps.chats.get(message.chat_id).get(SUB_KEY)
        self.deps.chats.update(message.chat_id, **{SUB_KEY: None})
        self.unschedule(context.job_queue, message.chat_id)
        await reply(message, context, t("unsubscribed" if had else "no_subscription", lang))

    async def language(self, update: Update, context: Context) -> None:
        """/language ru|en: the chat's language (group admins; anyone in private)."""
        managed = await self._managed(update, context)
        if managed is None:
            return
        message, lang = managed
        choice = (context.args or [""])[0].strip().lower()
        if choice not in LANGUAGES:
            await reply(message, context, t("language_usage", lang))
            return
        self.deps.chats.update(message.chat_id, language=choice)
        await reply(message, context, t("language_set", choice))

    async def on_migrate(self, update: Update, context: Context) -> None:
        """A group became a supergroup: move its state and its briefing to the new id."""
        message = update.effective_message
        if message is None or not message.migrate_to_chat_id:
            return
        self.move(context.application, message.chat_id, message.migrate_to_chat_id)
        log.info("chat %s migrated to %s", message.chat_id, message.migrate_to_chat_id)
