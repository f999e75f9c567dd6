"""The one settings class: environment variables and `.env`, built once and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"
"""Installed as the `prompts` package (package data), so it is found from any working directory."""


class Settings(BaseSettings):
    """citebot's configuration. Our own variables are prefixed `CITEBOT_`."""

    model_config = SettingsConfigDict(
        env_prefix="CITEBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- storage and sources ---
    data_dir: Path = Path("data")
    sources_dir: Path = Path("seeds")
    chroma_url: str = ""
    collection: str = "citebot"
    prompts_dir: Path = PROMPTS_DIR

    # --- retrieval and answers ---
    # encoder of the dense vectors; None = what the index was built with (a new index: the default)
    embedding: Literal["usem3", "e5-small", "usem3+e5-small"] | None = None
    # threads of the e5 engine per call (questions and ingest batches; capped by the cores)
    encoder_threads: int = Field(default=2, ge=1, le=64)
    top_k: int = Field(default=5, ge=1, le=50)
    chunk_chars: int = Field(default=1000, ge=200, le=4000)
    ingest_batch: int = Field(default=512, ge=1)  # passages per write (capped by the store's max)
    max_question_chars: int = Field(default=2000, ge=50)
    lock_timeout_s: float = Field(default=0.0, ge=0)
    chroma_timeout_s: float = Field(default=30.0, gt=0)  # per request to a Chroma server
    index_refresh_s: float = Field(default=1.0, ge=0)  # how often readers check for new ingests

    # --- LLM (optional) ---
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "CITEBOT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "CITEBOT_OPENAI_BASE_URL")
    )
    llm_model: str = "gpt-4o-mini"
    # None = automatic: 60 s for a remote API, 600 s for a server on this machine or network
    # (a CPU model reads a long prompt for minutes); retries happen on connection errors only.
    llm_timeout_s: float | None = Field(default=None, gt=0)
    llm_retries: int = Field(default=1, ge=0, le=5)
    llm_language: str | None = None  # briefing language when no topic says it: "ru" / "en"
    llm_breaker_failures: int = Field(default=3, ge=1)
    llm_breaker_cooldown_s: float = Field(default=60.0, ge=0)
    refusal_threshold: float | None = None  # None = the calibrated default in bot/extractive.py
    answer_max_chars: int = Field(default=400, ge=100)
    brief_max_chars: int = Field(default=1500, ge=200)
    memory_turns: int = Field(default=6, ge=0, le=50)
    conversation_expire_days: float = Field(default=30.0, ge=0)  # 0 = keep forever

    # --- language of messages ---
    language: str = ""  # "ru" | "en"; empty = from the locale, else the question's language
    system_locale: str = Field(
        default="", validation_alias=AliasChoices("LC_ALL", "LC_MESSAGES", "LANG")
    )

    # --- Telegram ---
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "CITEBOT_TELEGRAM_BOT_TOKEN"),
    )
    telegram_base_url: str = Field(
        default="https://api.telegram.org/bot",
        validation_alias=AliasChoices("TELEGRAM_BASE_URL", "CITEBOT_TELEGRAM_BASE_URL"),
    )
    telegram_base_file_url: str = Field(  # empty = derived: ".../bot" -> ".../file/bot"
        default="",
        validation_alias=AliasChoices("TELEGRAM_BASE_FILE_URL", "CITEBOT_TELEGRAM_BASE_FILE_URL"),
    )
    allowed_chats: Annotated[list[int], NoDecode] = []  # empty = everyone (warned at start-up)
    admin_ids: Annotated[list[int], NoDecode] = []
    webhook_url: str = ""  # empty = long polling
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    user_rate_limit: int = Field(default=10, ge=0)  # questions per user per window; 0 = off
    user_rate_window_s: float = Field(default=60.0, gt=0)
    group_busy_threshold: int = Field(default=15, ge=1)  # answers/minute before "queued" notice
    telegram_concurrency: int = Field(default=64, ge=1, le=1024)
    telegram_max_retries: int = Field(default=3, ge=0, le=10)  # retries on 429 RetryAfter
    telegram_rate: float = Field(default=30.0, ge=0)  # messages/s to all chats; 0 = no limit
    telegram_burst: int = Field(default=60, ge=1)  # of those, how many may leave at once
    edit_interval_s: float = Field(default=1.0, ge=1.0)  # streaming edits at most this often
    typing_delay_s: float = Field(default=0.8, ge=0)  # "typing…" only for slower answers
    timezone: str = "UTC"  # for /subscribe HH:MM
    watch_sources_s: float = Field(default=0.0, ge=0)  # re-index on change every N s; 0 = off
    example_questions: Annotated[list[str], NoDecode] = [
        "Когда обанкротилась Zhidou?",
        "Who helped Zhidou restructure?",
    ]

    @field_validator("allowed_chats", "admin_ids", mode="before")
    @classmethod
    def _id_list(cls, v: object) -> object:
        if isinstance(v, str):
            try:
                return [int(x) for x in v.replace(";", ",").split(",") if x.strip()]
            except ValueError as exc:
                raise ValueError("must be comma-separated numeric Telegram ids") from exc
        return v

    @field_validator("language")
    @classmethod
    def _known_language(cls, v: str) -> str:
        v = v.strip().lower()
        if v not in ("", "ru", "en"):
            raise ValueError("CITEBOT_LANGUAGE must be ru or en (or empty)")
        return v

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}; use an IANA name, e.g. UTC") from exc
        return v

    @field_validator("example_questions", mode="before")
    @classmethod
    def _question_list(cls, v: object) -> object:
        return [x.strip() for x in v.split("|") if x.strip()] if isinstance(v, str) else v

    # --- logging ---
    log_level: str = "WARNING"

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, v: str) -> str:
        if not 3 <= len(v) <= 512:
            raise ValueError("CITEBOT_COLLECTION must be 3-512 characters")
        return v

    @field_validator("embedding", mode="before")
    @classmethod
    def _blank_embedding(cls, v: object) -> object:
        return v.strip().lower() or None if isinstance(v, str) else v

    @field_validator("openai_base_url", "chroma_url")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v.strip() if v and v.strip() else ("" if v is not None else None)

    @property
    def llm_local(self) -> bool:
        """True when OPENAI_BASE_URL points at this machine or a private network."""
        return is_local_url(self.openai_base_url or "")

    @property
    def llm_timeout(self) -> float:
        """Seconds one LLM request may take (see `llm_timeout_s`)."""
        if self.llm_timeout_s is not None:
            return self.llm_timeout_s
        return 600.0 if self.llm_local else 60.0

    @property
    def llm_enabled(self) -> bool:
        """True when an OpenAI(-compatible) key is configured."""
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value().strip())


def is_local_url(url: str) -> bool:
    """True for a loopback, private-network or `.local` host (a model served nearby)."""
    import ipaddress
    from urllib.parse import urlparse

    host = (urlparse(url).hostname or "").lower()
    if not host:
        return False
    if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".localhost")):
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return addr.is_loopback or addr.is_private or addr.is_unspecified
