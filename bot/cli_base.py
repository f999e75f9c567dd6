"""Click plumbing for the CLI: one-line errors, the progress bar, and help texts taken from the
message catalogue in the help language. No commands live here (see `bot/cli.py`)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from bot.i18n import MESSAGES, error_text, pick_language, t
from index.errors import CitebotError

log = logging.getLogger("citebot.cli")
F = TypeVar("F", bound=Callable[..., Any])

def fail(message: str) -> None:
    """Print one `Error:` line (below an open progress bar) and exit with status 1."""
    click.echo(f"\nError: {message}" if _bar_open() else f"Error: {message}", err=True)
    sys.exit(1)


def _bar_open() -> bool:
    return bool(_BARS)


_BARS: list[Any] = []


def handle_errors(func: F) -> F:
    """Turn every failure into one line on stderr; details go to the log file."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CitebotError as exc:
            log.info("command failed: %s", exc, exc_info=True)
            ctx = click.get_current_context(silent=True)
            fail(error_text(exc, help_language(ctx) if ctx else "en"))
        except KeyboardInterrupt:
            click.echo("", err=True)
            sys.exit(130)
        except OSError as exc:  # a path that is a file, a folder we may not write, ...
            log.info("command failed: %s", exc, exc_info=True)
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}")
        except Exception as exc:
            log.exception("unexpected error")
            fail(f"unexpected {type(exc).__name__}; details are in the log (citebot.log).")

    return wrapper  # type: ignore[return-value]


def progress_bar(total: int, desc: str = "Indexing") -> Callable[[str, int], None]:
    """A stderr progress bar over bytes of sources; returns a callback (file name, bytes done)."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="B", unit_scale=True, file=sys.stderr, leave=False)
    _BARS.append(bar)

    def update(name: str, done: int) -> None:
        bar.set_postfix_str(name[-40:], refresh=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            if bar in _BARS:
                _BARS.remove(bar)

    return update


def help_language(ctx: click.Context) -> str:
    """The language of --help: CITEBOT_LANGUAGE, else the locale (English if settings fail)."""
    meta = ctx.find_root().meta
    if "citebot.lang" not in meta:
        try:
            from bot.settings import Settings

            settings = Settings()
            meta["citebot.lang"] = pick_language(settings.language, settings.system_locale)
        except Exception:  # broken settings are reported by the command, not by --help
            meta["citebot.lang"] = "en"
    return str(meta["citebot.lang"])


class Localized:
    """Help text of a command from the catalogue (`help_<name>`), in the help language."""

    name: str | None
    help: str | None

    def _localize(self, ctx: click.Context) -> None:
        key = "help_cli" if ctx.parent is None else f"help_{self.name}"
        if key in MESSAGES:  # a command without a catalogue entry keeps its docstring
            self.help = t(key, help_language(ctx))

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("help_opt_help", help_language(ctx))
        return option

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._localize(ctx)
        super().format_help_text(ctx, formatter)  # type: ignore[misc]


class Command(Localized, click.Command):
    """A command with catalogued help."""


class Group(Localized, click.Group):
    """The `citebot` group: catalogued help, commands listed in the order they are defined."""

    command_class = Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        for name, command in self.commands.items():
            if f"help_{name}" in MESSAGES:
                command.help = t(f"help_{name}", help_language(ctx))
                command.short_help = None
        super().format_commands(ctx, formatter)


class Option(click.Option):
    """An option whose help text is a catalogue key."""

    def __init__(self, *args: Any, help_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_key = help_key

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = t(self.help_key, help_language(ctx))
        return super().get_help_record(ctx)
