"""Bot admins' commands: documents sent to the bot are indexed (`/add` in groups), `/forget NAME`
removes an upload, `/reindex` re-reads the sources. The bot is the index's single writer; every
write runs under one lock, in a worker thread."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from telegram import Document, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.telegram import threads
from bot.telegram.deps import BotDeps
from bot.telegram.handlers import reply
from bot.uploads import MAX_BYTES, UploadResult, safe_name, supported
from index.errors import CitebotError

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


class Admin:
    """Handlers that change the sources."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    def _is_admin(self, message: Message) -> bool:
        return self.deps.access.is_admin(message.from_user.id if message.from_user else None)

    # ----- documents -----
    async def _admin_message(
        self, update: Update, context: Context
    ) -> tuple[Message, str] | None:
        """The message and its reply language if an admin sent it; others get a refusal."""
        message = update.effective_message
        if message is None:
            return None
        lang = self.deps.language_of(message)
        if not self._is_admin(message):
            await reply(message, context, t("admins_only", lang))
            return None
        return message, lang

    async def on_document(self, update: Update, context: Context) -> None:
        """A document: indexed if an admin sent it in private (or in a group with /add)."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        caption = (message.caption or "").split()
        wants = bool(caption) and caption[0].lower().split("@")[0] == "/add"
        if threads.is_private(message) or wants:
            await self._add(message, message.document, context)

    async def add(self, update: Update, context: Context) -> None:
        """/add in reply to a document."""
        message = update.effective_message
        if message is None:
            return
        replied = message.reply_to_message
        if replied is None or replied.document is None:
            await reply(message, context, t("add_reply", self.deps.language_of(message)))
            return
        await self._add(message, replied.document, context)

    async def _add(self, message: Message, document: Document, context: Context) -> None:
        lang = self.deps.language_of(message)
        name = safe_name(document.file_name or "document")
        if not self._is_admin(message):
            await reply(message, context, t("upload_admins_only", lang))
            return
        if not supported(name):
            await reply(message, context, t("upload_unsupported", lang, name=name))
            return
        if (document.file_size or 0) > MAX_BYTES:
            mb = (document.file_size or 0) / 1024 / 1024
            await reply(message, context, t("upload_too_big", lang, name=name, mb=mb))
            return
        if self.deps.reindex_lock.locked():
            await reply(message, context, t("upload_busy", lang))
            return
        async with self.deps.reindex_lock:
            result = await self._download_and_index(document, name, lang, message, context)
        if result is not None:
            await reply(message, context, self._describe(result, lang))

    async def _download_and_index(
        self, document: Document, name: str, lang: str, message: Message, context: Context
    ) -> UploadResult | None:
        staging = Path(self.deps.settings.data_dir) / "incoming"
        staging.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=staging) as tmp:
            path = Path(tmp) / name
            try:
                file = await context.bot.get_file(document.file_id)
                await file.download_to_drive(path)
            except TelegramError as exc:
                log.warning("download of %s failed: %s", name, exc)
                await reply(message, context, t("upload_failed", lang, name=name, error=exc))
                return None
            try:
                return await asyncio.to_thread(self.deps.uploads.add, name, path)
            except CitebotError as exc:
                await reply(message, context, t("upload_failed", lang, name=name, error=exc))
                return None

    @staticmethod
    def _describe(result: UploadResult, lang: str) -> str:
        if result.status == "unreadable":
            return t("upload_unreadable", lang, name=result.name, why=result.why)
        key = {"added": "upload_indexed", "replaced": "upload_replaced",
               "unchanged": "upload_unchanged"}[result.status]
        text = t(key, lang, name=result.name, passages=result.passages)
        if result.skipped:
            items = "; ".join(f"{n} ({why})" for n, why in result.skipped[:5])
            text += "\n" + t("skipped", lang, items=items)
        return text

    async def forget(self, update: Update, context: Context) -> None:
        """/forget NAME: remove an uploaded document (bot admins)."""
        admitted = await self._admin_message(update, context)
        if admitted is None:
            return
        message, lang = admitted
        name = " ".join(context.args or []).strip()
        names = self.deps.uploads.names()
        if not name:
            listed = ", ".join(names) or t("none", lang)
            await reply(message, context, t("forget_usage", lang, names=listed))
            return
        async with self.deps.reindex_lock:
            removed = await asyncio.to_thread(self.deps.uploads.forget, name)
        await reply(message, context,
                    t("forgot" if removed else "forget_missing", lang, name=safe_name(name)))

    # ----- re-indexing -----
    async def reindex(self, update: Update, context: Context) -> None:
        """/reindex (bot admins): re-ingest the sources inside the bot process."""
        admitted = await self._admin_message(update, context)
        if admitted is None:
            return
        message, lang = admitted
        if self.deps.reindex_lock.locked():
            await reply(message, context, t("reindex_running", lang))
            return
        async with self.deps.reindex_lock:
            await reply(message, context, t("reindex_start", lang))
            try:
                rep = await self.deps.answerer.reindex()
            except CitebotError as exc:
                await reply(message, context, t("reindex_failed", lang, error=exc))
                return
        text = t("reindex_done", lang, seconds=rep.seconds, added=len(rep.added),
                 updated=len(rep.updated), removed=len(rep.removed),
                 unchanged=len(rep.unchanged), chunks=rep.chunks_total)
        if rep.skipped:
            items = "; ".join(f"{name} ({why})" for name, why in rep.skipped[:5])
            text += "\n" + t("skipped", lang, items=items)
        await reply(message, context, text)

