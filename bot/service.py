"""The answering service: retrieve -> answer -> cite. Front ends call only this."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.extractive import ExtractiveResponder
from bot.types import Answer
from common.errors import InputError
from common.settings import Settings
from index.types import IndexStats, IngestReport, Passage

log = logging.getLogger(__name__)

PartialCallback = Callable[[str], Awaitable[None]]


class Retriever(Protocol):
    """What the service needs from `index/`."""

    def retrieve(self, query: str, k: int) -> list[Passage]: ...


class Library(Protocol):
    """The index as a whole: retrieval plus upkeep (stats, re-ingest)."""

    @property
    def retriever(self) -> Retriever: ...

    @property
    def embedder(self) -> Any: ...

    def stats(self) -> IndexStats: ...

    def ingest(self) -> IngestReport: ...


class Answerer:
    """Answers a question in a conversation from the indexed sources, with checked citations."""

    def __init__(
        self,
        library: Library,
        extractive: ExtractiveResponder,
        *,
        top_k: int = 5,
        max_question_chars: int = 2000,
    ) -> None:
        self.library = library
        self.extractive = extractive
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self._last: dict[str, Answer] = {}

    @classmethod
    def from_settings(cls, settings: Settings, library: Library | None = None) -> Answerer:
        """Build the service and its collaborators from settings."""
        if library is None:
            from index.library import IndexLibrary

            library = IndexLibrary.from_settings(settings)
        return cls(
            library,
            ExtractiveResponder(library.embedder.encode),
            top_k=settings.top_k,
            max_question_chars=settings.max_question_chars,
        )

    def _clean(self, text: str) -> str:
        question = " ".join((text or "").split())
        if not any(ch.isalnum() for ch in question):
            raise InputError("Please ask a question in words.")
        if len(question) > self.max_question_chars:
            raise InputError(
                f"That question is too long ({len(question)} characters); "
                f"please keep it under {self.max_question_chars}."
            )
        return question

    async def ask(
        self, conversation: str, text: str, on_partial: PartialCallback | None = None
    ) -> Answer:
        """Answer `text` within `conversation`; `on_partial` receives streamed drafts."""
        started = time.perf_counter()
        question = self._clean(text)
        passages = await asyncio.to_thread(self.library.retriever.retrieve, question, self.top_k)
        answer = await asyncio.to_thread(self.extractive.respond, question, passages)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        self._last[conversation] = answer
        return answer

    def last_answer(self, conversation: str) -> Answer | None:
        """The last answer given in `conversation`, for /sources."""
        return self._last.get(conversation)

    def reset(self, conversation: str) -> None:
        """Forget the conversation."""
        self._last.pop(conversation, None)

    def stats(self) -> IndexStats:
        """Index summary."""
        return self.library.stats()

    async def reindex(self) -> IngestReport:
        """Re-ingest the sources (the caller must be the index's single writer)."""
        return await asyncio.to_thread(self.library.ingest)
