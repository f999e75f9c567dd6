"""Logging set-up: detail to a file in the data dir, short warnings to stderr, secrets redacted."""

from __future__ import annotations

import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from bot.settings import Settings

_TOKEN_RE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")  # Telegram bot token shape
_KEY_RE = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}\b")  # OpenAI-style key shape


class RedactingFilter(logging.Filter):
    """Replaces configured secrets (and anything shaped like a token or key) with ***."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        """`text` with every secret masked."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _KEY_RE.sub("sk-***", _TOKEN_RE.sub("***", text))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def secrets_of(settings: Settings) -> list[str]:
    """The secret values in `settings`."""
    out = []
    for secret in (settings.telegram_bot_token, settings.openai_api_key):
        if secret is not None:
            out.append(secret.get_secret_value())
    return out


OWN_LOGGERS = ("bot", "index", "citebot", "bench", "__main__")


class OwnRecordsOnly(logging.Filter):
    """Lets only citebot's own records through: libraries' warnings (pdfminer, Python warnings)
    go to the log file, not between the lines of a progress bar."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        return name == "root" or any(name == o or name.startswith(o + ".") for o in OWN_LOGGERS)


def setup_logging(settings: Settings, verbose: bool = False) -> Path | None:
    """Log INFO+ to `data_dir/citebot.log` and our own warnings (or INFO with -v) to stderr;
    libraries' warnings go to the log file only (everything with -v)."""
    logging.captureWarnings(True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    redact = RedactingFilter(secrets_of(settings))
    stderr = logging.StreamHandler(sys.stderr)
    level = logging.INFO if verbose else getattr(logging, settings.log_level.upper(), 30)
    stderr.setLevel(level)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    stderr.addFilter(redact)
    if not verbose:
        stderr.addFilter(OwnRecordsOnly())
    root.addHandler(stderr)
    log_path: Path | None = settings.data_dir / "citebot.log"
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            settings.data_dir / "citebot.log", maxBytes=5_000_000, backupCount=2, encoding="utf-8"
        )
        handler.setLevel(logging.DEBUG if verbose else logging.INFO)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(redact)
        root.addHandler(handler)
    except OSError:
        log_path = None
    for noisy in ("httpx", "httpcore", "chromadb", "urllib3", "openai._base_client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return log_path
