"""The optional LLM: any OpenAI-compatible chat-completions server through the `openai` client.

Explicit timeout (long for a model served on this machine: a CPU model reads a prompt for
minutes), retries only when the server could not be reached (never for a request the server may
still be working on: the retry would queue behind it), a total deadline for streamed replies, a
"still reading" notice while a streamed reply has not started, and a circuit breaker that stops
calling a failing server for a while (`available`). Every failure surfaces as `LLMError` with a
one-line message; the service then falls back to the extractive answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from bot.breaker import CircuitBreaker
from bot.prompts import Prompts, fence_passages, language_of
from bot.settings import Settings
from index.errors import LLMError
from index.types import Passage

if TYPE_CHECKING:  # the openai package is imported only when a model is configured (start-up time)
    from openai import AsyncOpenAI

log = logging.getLogger(__name__)

Delta = Callable[[str], Awaitable[None]]
Message = dict[str, str]


class LLMClient:
    """Chat completions with explicit limits; raises `LLMError` on any failure."""

    def __init__(
        self,
        client: AsyncOpenAI,
        model: str,
        *,
        breaker: CircuitBreaker | None = None,
        deadline_s: float = 40.0,
        temperature: float = 0.1,
        max_tokens: int = 700,
        retries: int = 0,
        notice_after_s: float = 3.0,
    ) -> None:
        self.client = client
        self.model = model
        self.breaker = breaker or CircuitBreaker()
        self.deadline_s = deadline_s
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.retries = retries
        self.notice_after_s = notice_after_s

    @property
    def available(self) -> bool:
        """False while the circuit breaker is open (the server failed repeatedly)."""
        return not self.breaker.open

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMClient | None:
        """The configured client, or None when no API key is set (offline mode)."""
        if not settings.llm_enabled or settings.openai_api_key is None:
            return None
        import openai

        timeout = settings.llm_timeout
        client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url or None,
            # a single-threaded local server accepts the connection only when it is free
            timeout=openai.Timeout(timeout, connect=timeout if settings.llm_local else 5.0),
            max_retries=0,  # retried here, on connection errors only
        )
        return cls(
            client,
            settings.llm_model,
            breaker=CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown_s),
            deadline_s=timeout + 5.0 * (settings.llm_retries + 1),
            retries=settings.llm_retries,
        )

    async def _attempts(self, messages: list[Message], on_delta: Delta | None) -> str:
        """One request, repeated only when the server could not be reached at all."""
        import openai

        for attempt in range(self.retries + 1):
            try:
                if on_delta:
                    return await self._stream(messages, on_delta)
                return await self._once(messages)
            except openai.APITimeoutError:
                raise
            except openai.APIConnectionError:
                if attempt >= self.retries:
                    raise
                log.info("LLM server not reachable; retrying (%d)", attempt + 1)
                await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def complete(
        self, messages: list[Message], on_delta: Delta | None = None, notice: str = ""
    ) -> str:
        """The model's reply to `messages`; streamed through `on_delta` (the text so far). While
        a streamed reply has not started, `notice` is shown after `notice_after_s` seconds."""
        import httpx  # here, not at module level: ~0.15 s of every start (it imports rich)
        import openai

        if self.breaker.open:
            raise LLMError("The language model is paused after repeated failures.")
        try:
            async with asyncio.timeout(self.deadline_s):
                if on_delta and notice:
                    text = await self._with_notice(messages, on_delta, notice)
                else:
                    text = await self._attempts(messages, on_delta)
        except TimeoutError:
            self.breaker.record_failure()
            raise LLMError("The language model took too long to answer.") from None
        except openai.APITimeoutError:
            self.breaker.record_failure()
            raise LLMError("The language model timed out.") from None
        except openai.APIStatusError as err:
            self.breaker.record_failure()
            raise LLMError(
                f"The language model returned an error (HTTP {err.status_code})."
            ) from None
        except openai.APIConnectionError:
            self.breaker.record_failure()
            raise LLMError("The language model server could not be reached.") from None
        except (openai.OpenAIError, httpx.HTTPError, ValueError) as err:  # e.g. a broken stream
            self.breaker.record_failure()
            raise LLMError(f"The language model failed ({type(err).__name__}).") from None
        if not text.strip():
            self.breaker.record_failure()
            raise LLMError("The language model returned an empty answer.")
        self.breaker.record_success()
        return text.strip()

    async def _with_notice(self, messages: list[Message], on_delta: Delta, notice: str) -> str:
        started = asyncio.Event()

        async def delta(text: str) -> None:
            started.set()
            await on_delta(text)

        async def announce() -> None:
            await asyncio.sleep(self.notice_after_s)
            if not started.is_set():
                await _safe(on_delta, notice)

        task = asyncio.create_task(announce())
        try:
            return await self._attempts(messages, delta)
        finally:
            task.cancel()

    async def _once(self, messages: list[Message]) -> str:
        resp = await self.client.chat.completions.create(
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )
        if not resp.choices:
            return ""
        return resp.choices[0].message.content or ""

    async def _stream(self, messages: list[Message], on_delta: Delta) -> str:
        stream = await self.client.chat.completions.create(
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            stream=True,
        )
        text = ""
        sent = 0
        async for chunk in stream:  # type: ignore[union-attr]
            if not chunk.choices:
                continue
            text += chunk.choices[0].delta.content or ""
            if len(text) - sent >= 40:
                sent = len(text)
                await _safe(on_delta, text)
        if len(text) > sent:
            await _safe(on_delta, text)
        return text


async def _safe(callback: Delta, text: str) -> None:
    """Call a front end's partial-text callback; its failure must not fail the answer."""
    try:
        await callback(text)
    except Exception as err:  # a front end's display problem, not ours
        log.warning("partial-answer callback failed: %s", type(err).__name__)


class ChatModel(Protocol):
    """What the service needs from a language model: a reply, and whether to try at all."""

    @property
    def available(self) -> bool: ...

    async def complete(
        self, messages: list[Message], on_delta: Delta | None = None, notice: str = ""
    ) -> str: ...


class LLMWriter:
    """Builds the prompts for answers, condensing and briefings; returns the raw replies (the
    service checks them with the claim checker)."""

    def __init__(self, client: ChatModel, prompts: Prompts) -> None:
        self.client = client
        self.prompts = prompts

    @property
    def available(self) -> bool:
        """False while the model is paused after repeated failures."""
        return self.client.available

    def answer_messages(
        self, question: str, passages: list[Passage], history: str = "", language: str = ""
    ) -> list[Message]:
        """System + user messages for an answer; passages fenced as numbered documents."""
        user = self.prompts.render(
            "answer",
            history=history or "(none)",
            passages=fence_passages(passages),
            question=question,
            language=language or language_of(question),
        )
        return [
            {"role": "system", "content": self.prompts.render("system")},
            {"role": "user", "content": user},
        ]

    def again_in(self, messages: list[Message], reply: str, language: str) -> list[Message]:
        """The conversation extended with the reply and a request to write it in `language`."""
        retry = self.prompts.render("language_retry", language=language)
        answered: Message = {"role": "assistant", "content": reply}
        return [*messages, answered, {"role": "user", "content": retry}]

    async def complete(
        self, messages: list[Message], on_delta: Delta | None = None, notice: str = ""
    ) -> str:
        """The model's reply to `messages`."""
        return await self.client.complete(messages, on_delta, notice)

    async def condense(self, question: str, history: str) -> str:
        """A standalone version of a follow-up question, in the follow-up's language."""
        content = self.prompts.render(
            "condense", history=history, question=question, language=language_of(question)
        )
        reply = await self.client.complete([{"role": "user", "content": content}])
        line = next((ln.strip() for ln in reply.splitlines() if ln.strip()), "")
        return line.strip("\"'«»“” ")[:1000]

    def brief_messages(
        self, topic: str | None, passages: list[Passage], max_chars: int, language: str
    ) -> list[Message]:
        """System + user messages for a briefing of `passages`."""
        content = self.prompts.render(
            "briefing",
            passages=fence_passages(passages),
            topic=topic or "all the documents",
            language=language,
            max_chars=max_chars,
        )
        return [
            {"role": "system", "content": self.prompts.render("system")},
            {"role": "user", "content": content},
        ]
