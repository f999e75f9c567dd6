"""The error hierarchy. Every `CitebotError` carries a one-line message fit for a user."""

from __future__ import annotations


class CitebotError(Exception):
    """Base class: `str(err)` is a clear one-line message for the user."""


class ConfigError(CitebotError):
    """A setting is missing or malformed, or a prompt file is broken."""


class IndexBusyError(CitebotError):
    """Another process holds the index writer lock."""


class StoreUnavailableError(CitebotError):
    """The vector store (e.g. a Chroma server) cannot be reached or opened."""


class IndexCorruptError(CitebotError):
    """The on-disk index failed its health check."""


class LoaderError(CitebotError):
    """A source file cannot be read; the message says why."""


class InputError(CitebotError):
    """A user's question or command argument is unusable (empty, too long...). `key` and
    `fields` name its message in the front ends' catalogue, so it is said in the user's language."""

    def __init__(self, message: str, key: str | None = None, **fields: object) -> None:
        super().__init__(message)
        self.key = key
        self.fields = fields


class LLMError(CitebotError):
    """The language model failed, timed out, or returned an unusable answer."""


class EncoderMismatchError(ConfigError):
    """The index was built by another encoder than the one configured."""
