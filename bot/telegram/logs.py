"""Logging for the bot without leaking the token: httpx logs every request URL (which contains
the token) at INFO, and python-telegram-bot logs its base URL at DEBUG. We quieten those loggers
and put a redacting filter on every handler of the root logger."""

from __future__ import annotations

import logging
import re
import sys

TOKEN_RE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b")
MASK = "<token>"
NOISY = ("httpx", "httpcore", "apscheduler")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with bot tokens (and any given secrets) masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return TOKEN_RE.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Masks tokens in a record's message and traceback before any handler formats it."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        message = record.getMessage()
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def configure_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Log to stderr at `level`, with tokens redacted and HTTP request logging quietened."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level.upper())
    install_redaction(secrets)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)


def install_redaction(secrets: tuple[str, ...] = ()) -> None:
    """Add the redacting filter to every root handler (once)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(secrets))
