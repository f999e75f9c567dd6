"""The answering service: memory -> retrieve -> answer (extractive or LLM) -> checked citations.

Front ends (Telegram, CLI) call only this. Without an LLM key every answer is extractive; with
one, the LLM writes the answer and any failure falls back to the extractive answer with a note.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.attestation import NameIndex
from bot.briefing import Briefer
from bot.claims import ClaimChecker
from bot.encode_cache import CachedEncoder
from bot.extractive import ExtractiveResponder
from bot.grounding import (
    UNSUPPORTED_BRIEF,
    WRONG_LANGUAGE,
    WRONG_LANGUAGE_BRIEF,
    Grounding,
    briefing_language,
    in_language,
)
from bot.i18n import t
from bot.llm import LLMClient, LLMWriter
from bot.memory import Turn, entities, rewrite_follow_up
from bot.ports import Encoder, Library
from bot.prompts import Prompts
from bot.settings import Settings
from bot.state import ConversationStore, StateDB
from bot.types import Answer, AnswerMode
from index.errors import InputError, LLMError
from index.text import LANGUAGE_NAMES, detect_language, language_name
from index.types import DocumentEntry, IndexStats, IngestReport, Passage

if TYPE_CHECKING:
    from index.search_index import SearchIndex

log = logging.getLogger(__name__)

PartialCallback = Callable[[str], Awaitable[None]]
BRIEF_PASSAGES = 300  # the most passages a briefing over the whole index reads


class Answerer:
    """Answers questions in conversations and writes briefings, always with checked citations."""

    def __init__(
        self,
        library: Library,
        extractive: ExtractiveResponder,
        *,
        memory: ConversationStore | None = None,
        briefer: Briefer | None = None,
        writer: LLMWriter | None = None,
        top_k: int = 5,
        max_question_chars: int = 2000,
        brief_k: int = 12,
        brief_language: str | None = None,
    ) -> None:
        self.library = library
        self.extractive = extractive
        self.memory = memory or ConversationStore(StateDB(None))
        self.briefer = briefer or Briefer(extractive.encode)
        self.writer = writer
        self.grounding = Grounding(ClaimChecker(extractive.encode))
        self.brief_language = brief_language
        self.top_k = top_k
        self.max_question_chars = max_question_chars
        self.brief_k = brief_k
        self._names: tuple[object, NameIndex] | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, library: SearchIndex | None = None,
        memory: ConversationStore | None = None,
    ) -> Answerer:
        """Build the service and its collaborators from the concrete index (the one place its
        encoder is taken); broken prompt files fail here."""
        prompts = Prompts.load(settings.prompts_dir)
        if library is None:
            from index.search_index import SearchIndex

            library = SearchIndex.from_settings(settings)
        encoder: Encoder = library.embedder
        encode = CachedEncoder(encoder.encode)
        threshold = settings.refusal_threshold
        client = LLMClient.from_settings(settings)
        return cls(
            library,
            ExtractiveResponder(
                encode,
                threshold=threshold,
                max_chars=settings.answer_max_chars,
            ),
            memory=memory or ConversationStore(
                StateDB.in_data_dir(settings.data_dir), max_turns=settings.memory_turns
            ),
            briefer=Briefer(encode, max_chars=settings.brief_max_chars),
            writer=LLMWriter(client, prompts) if client else None,
            top_k=settings.top_k,
            max_question_chars=settings.max_question_chars,
            brief_language=settings.llm_language,
        )

    @property
    def mode(self) -> AnswerMode:
        """`llm` when a model is configured, else `extractive`."""
        return AnswerMode.LLM if self.writer else AnswerMode.EXTRACTIVE

    def clean_question(self, text: str) -> str:
        """The question with whitespace collapsed; `InputError` if it is empty or too long."""
        question = " ".join((text or "").split())
        if not any(ch.isalnum() for ch in question):
            raise InputError("Please ask a question in words.", "question_in_words")
        if len(question) > self.max_question_chars:
            raise InputError(
                f"That question is too long ({len(question)} characters); "
                f"please keep it under {self.max_question_chars}.",
                "question_too_long", limit=self.max_question_chars,
            )
        return question

    async def standalone(self, conversation: str, question: str) -> str:
        """The question made self-contained using the conversation (condensed or rewritten)."""
        turns = self.memory.turns(conversation)
        if not turns:
            return question
        if self.writer and self.writer.available:
            try:
                condensed = await self.writer.condense(
                    question, self.memory.history_text(conversation)
                )
                if condensed and any(ch.isalnum() for ch in condensed):
                    return condensed
            except LLMError as err:
                log.info("condense failed (%s); rewriting offline", err)
        return rewrite_follow_up(question, turns[-1].entities)

    async def ask(
        self,
        conversation: str,
        text: str,
        on_partial: PartialCallback | None = None,
        *,
        remember: bool = True,
    ) -> Answer:
        """Answer `text` within `conversation`; `on_partial` receives the streamed draft (LLM
        mode only; the returned `Answer` is the checked final text). With `remember=False` the
        question is answered on its own and the conversation is neither read nor changed."""
        started = time.perf_counter()
        question = self.clean_question(text)
        query = await self.standalone(conversation, question) if remember else question
        passages, offline = await asyncio.to_thread(self._offline, question, query)
        answer = offline
        if self.writer:
            history = self.memory.history_text(conversation) if remember else ""
            answer = await self._llm_answer(question, query, passages, history, offline, on_partial)
        answer = replace(answer, latency_ms=(time.perf_counter() - started) * 1000)
        if remember:
            turn = Turn(question, query, answer.text, entities(query))
            await asyncio.to_thread(self.memory.add, conversation, turn, answer)
        return answer

    def _offline(self, question: str, query: str) -> tuple[list[Passage], Answer]:
        """Retrieval, the extractive answer and its check: one hop to a worker thread, so none
        of it runs on the bot's event loop. The answer is judged against the names the index
        knows (built once per index content: the records list is cached until it changes)."""
        passages = self.library.retriever.retrieve(query, self.top_k)
        records = self.library.records()
        if self._names is None or self._names[0] is not records:
            self._names = (records, NameIndex((r.passage, r.position) for r in records))
        offline = self.extractive.respond(query, passages, self._names[1])
        return passages, self.grounding.self_check(replace(offline, question=question), query)

    async def _llm_answer(
        self,
        question: str,
        query: str,
        passages: list[Passage],
        history: str,
        offline: Answer,
        on_partial: PartialCallback | None,
    ) -> Answer:
        assert self.writer is not None
        if not passages:
            return offline
        asked = question if query == question else f"{question}\n(Standalone form: {query})"
        lang = detect_language(question) or "en"
        messages = self.writer.answer_messages(asked, passages, history, language_name(question))
        notice = t("model_reading", lang)
        try:
            reply = await self.writer.complete(messages, on_partial, notice)
            if not in_language(reply, lang):
                again = self.writer.again_in(messages, reply, LANGUAGE_NAMES[lang])
                reply = await self.writer.complete(again, on_partial, notice)
        except LLMError as err:
            return _fallback(offline, f"{err} This is the offline answer.")
        if not in_language(reply, lang):
            return _fallback(offline, WRONG_LANGUAGE)
        return await asyncio.to_thread(self.grounding.answer, question, reply, passages, offline)

    async def brief(
        self, topic: str | None = None, sources: Collection[str] | None = None
    ) -> Answer:
        """A cited digest of the sources (only of `sources`, if given), or of what matches
        `topic`."""
        started = time.perf_counter()
        topic = " ".join(topic.split()) if topic and topic.strip() else None
        if topic:
            passages = await asyncio.to_thread(self.library.retriever.retrieve, topic, self.brief_k)
        else:
            records = await asyncio.to_thread(self.library.records)
            passages = [
                r.passage for r in records if sources is None or r.passage.source in sources
            ][:BRIEF_PASSAGES]
        offline = await asyncio.to_thread(self.briefer.brief, topic, passages)
        answer = offline
        if self.writer and not offline.refused:
            answer = await self._llm_brief(topic, passages, offline)
        return replace(answer, latency_ms=(time.perf_counter() - started) * 1000)

    async def _llm_brief(
        self, topic: str | None, passages: list[Passage], offline: Answer
    ) -> Answer:
        assert self.writer is not None
        chosen = await asyncio.to_thread(self.briefer.passages_for_llm, topic, passages)
        lang = briefing_language(topic, self.brief_language, chosen)
        messages = self.writer.brief_messages(
            topic, chosen, self.briefer.max_chars, LANGUAGE_NAMES[lang]
        )
        try:
            reply = await self.writer.complete(messages)
            if not in_language(reply, lang):
                reply = await self.writer.complete(
                    self.writer.again_in(messages, reply, LANGUAGE_NAMES[lang])
                )
        except LLMError as err:
            return _fallback(offline, f"{err} This is the offline briefing.")
        if not in_language(reply, lang):
            return _fallback(offline, WRONG_LANGUAGE_BRIEF)
        limit = int(self.briefer.max_chars * 1.2)
        checked = await asyncio.to_thread(
            self.grounding.briefing, offline.question, _cut_lines(reply, limit), chosen
        )
        return checked if checked.citations else _fallback(offline, UNSUPPORTED_BRIEF)

    def last_answer(self, conversation: str) -> Answer | None:
        """The last answer given in `conversation` (kept across restarts), for /sources."""
        return self.memory.last_answer(conversation)

    def reset(self, conversation: str) -> None:
        """Forget the conversation."""
        self.memory.reset(conversation)

    def stats(self) -> IndexStats:
        """Index summary."""
        return self.library.stats()

    def documents(self) -> list[DocumentEntry]:
        """The indexed documents (as `citebot sources` lists them)."""
        return self.library.documents()[0]

    async def reindex(self) -> IngestReport:
        """Re-ingest the sources (the caller must be the index's single writer)."""
        return await asyncio.to_thread(self.library.ingest)


def _fallback(offline: Answer, note: str) -> Answer:
    """The extractive answer, marked as a fallback with a short note."""
    return replace(offline, mode=AnswerMode.FALLBACK, note=note)


def _cut_lines(text: str, limit: int) -> str:
    """Keep whole lines of `text` up to `limit` characters."""
    if len(text) <= limit:
        return text
    out: list[str] = []
    for line in text.splitlines():
        if sum(len(x) + 1 for x in out) + len(line) > limit:
            break
        out.append(line)
    return "\n".join(out) or text[:limit]
