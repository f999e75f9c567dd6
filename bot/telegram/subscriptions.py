"""Daily briefings: `/subscribe HH:MM` and `/unsubscribe`, run by the JobQueue. The chosen time
lives in the chat's persisted `chat_data`, so subscriptions are re-scheduled after a restart."""

from __future__ import annotations

import datetime as dt
import logging
import re

from telegram import Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, Job, JobQueue

from bot.telegram import threads
from bot.telegram.delivery import ChatGone, Target, send_chunks
from bot.telegram.deps import BotDeps
from bot.telegram.handlers import reply
from bot.telegram.render import render_answer, render_plain
from index.errors import CitebotError

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
SUB_KEY = "subscription"  # chat_data: "HH:MM"
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def parse_hhmm(text: str) -> dt.time | None:
    """"07:30" -> time(7, 30); None if malformed."""
    m = _HHMM.match(text.strip())
    return dt.time(int(m.group(1)), int(m.group(2))) if m else None


def job_name(chat_id: int) -> str:
    """The JobQueue name of a chat's briefing job."""
    return f"brief:{chat_id}"


class Subscriptions:
    """Schedules, fires and cancels daily briefings."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

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
        """Re-schedule every persisted subscription (called once at start-up)."""
        assert app.job_queue is not None
        count = 0
        for chat_id, data in app.chat_data.items():
            hhmm = data.get(SUB_KEY)
            if hhmm and parse_hhmm(hhmm):
                self.schedule(app.job_queue, chat_id, hhmm)
                count += 1
        return count

    async def fire(self, context: Context) -> None:
        """The job: send the daily briefing; a chat that blocked the bot is unsubscribed."""
        job = context.job
        assert job is not None and job.chat_id is not None
        try:
            chunks = render_answer(await self.deps.answerer.brief(None))
        except CitebotError as exc:
            chunks = render_plain(f"Today's briefing is unavailable: {exc}")
        target = Target(job.chat_id)
        try:
            await send_chunks(context.bot, target, chunks)
        except ChatGone:
            log.info("chat %s is gone; cancelling its briefing", job.chat_id)
            job.schedule_removal()
            context.application.chat_data.get(job.chat_id, {}).pop(SUB_KEY, None)
            return
        if target.migrated_from:
            self.move(context.application, job.chat_id, target.chat_id)

    def move(self, app: Application, old: int, new: int) -> None:
        """Carry a subscription over to a migrated chat id."""
        hhmm = app.chat_data.get(old, {}).pop(SUB_KEY, None)
        assert app.job_queue is not None
        self.unschedule(app.job_queue, old)
        if hhmm:
            app.chat_data[new][SUB_KEY] = hhmm
            self.schedule(app.job_queue, new, hhmm)

    # ----- commands -----
    async def subscribe(self, update: Update, context: Context) -> None:
        """/subscribe HH:MM (group admins; anyone in a private chat)."""
        message = update.effective_message
        if message is None or context.job_queue is None or context.chat_data is None:
            return
        if not await self._may_manage(message, context):
            await reply(message, context, "Only this group's admins can manage its briefing.")
            return
        hhmm = (context.args or [""])[0]
        when = parse_hhmm(hhmm)
        if when is None:
            await reply(message, context, "Usage: /subscribe HH:MM, e.g. /subscribe 08:30")
            return
        hhmm = when.strftime("%H:%M")
        context.chat_data[SUB_KEY] = hhmm
        self.schedule(context.job_queue, message.chat_id, hhmm)
        await context.application.update_persistence()
        await reply(message, context,
                    f"Subscribed: a daily briefing here at {hhmm} ({self.deps.tz.key}).")

    async def unsubscribe(self, update: Update, context: Context) -> None:
        """/unsubscribe."""
        message = update.effective_message
        if message is None or context.job_queue is None or context.chat_data is None:
            return
        if not await self._may_manage(message, context):
            await reply(message, context, "Only this group's admins can manage its briefing.")
            return
        had = context.chat_data.pop(SUB_KEY, None)
        self.unschedule(context.job_queue, message.chat_id)
        await context.application.update_persistence()
        await reply(message, context,
                    "Unsubscribed: no more daily briefings here." if had
                    else "This chat has no daily briefing.")

    async def on_migrate(self, update: Update, context: Context) -> None:
        """A group became a supergroup: move its data and its briefing to the new id."""
        message = update.effective_message
        if message is None or not message.migrate_to_chat_id:
            return
        context.application.migrate_chat_data(message=message)
        old, new = message.chat_id, message.migrate_to_chat_id
        hhmm = context.application.chat_data.get(new, {}).get(SUB_KEY)
        assert context.job_queue is not None
        self.unschedule(context.job_queue, old)
        if hhmm:
            self.schedule(context.job_queue, new, hhmm)
        log.info("chat %s migrated to %s", old, new)

    async def _may_manage(self, message: Message, context: Context) -> bool:
        user_id = message.from_user.id if message.from_user else None
        if threads.is_private(message) or self.deps.access.is_admin(user_id):
            return True
        if user_id is None:
            return False
        try:
            member = await context.bot.get_chat_member(message.chat_id, user_id)
        except TelegramError as exc:
            log.info("getChatMember failed: %s", exc)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
