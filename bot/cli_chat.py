"""`citebot chat`: a REPL with line editing and history (stdlib `readline`), slash commands
(/help, /sources, /reset, /quit), Ctrl-C cancelling the answer in progress, and a second
Ctrl-C (or Ctrl-D) leaving with status 0."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.i18n import pick_language, t
from bot.render_text import render_answer, render_sources
from index.errors import CitebotError

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
CONVERSATION = "cli:chat"
HISTORY_FILE = "chat_history"
PROMPT = "you> "


def _setup_readline(history: Path) -> None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input()
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(1000)

    import atexit

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)

    atexit.register(save)


class ChatSession:
    """One interactive session over a runtime."""

    def __init__(self, runtime: Runtime, lang: str, verbose: bool = False) -> None:
        self.runtime = runtime
        self.lang = lang
        self.verbose = verbose
        self.runner = asyncio.Runner()
        self.interrupted = False  # the last thing the user did was Ctrl-C

    def run(self) -> None:
        """Read questions until /quit, Ctrl-D or a second Ctrl-C."""
        _setup_readline(Path(self.runtime.settings.data_dir) / HISTORY_FILE)
        self.runtime.answerer.reset(CONVERSATION)
        click.echo(t("cli_chat_intro", self.lang), err=True)
        with self.runner:
            while True:
                try:
                    line = input(PROMPT).strip()
                except EOFError:
                    click.echo("", err=True)
                    return
                except KeyboardInterrupt:
                    click.echo("", err=True)
                    if self.interrupted:
                        return
                    self.interrupted = True
                    click.echo(t("cli_cancelled", self.lang), err=True)
                    continue
                self.interrupted = False
                if line and not self.handle(line):
                    return

    def handle(self, line: str) -> bool:
        """Serve one line; False means quit."""
        if line.startswith("/"):
            return self.command(line.split()[0].lower())
        lang = self.lang = pick_language(self.runtime.settings.language,
                                         self.runtime.settings.system_locale, text=line)
        try:
            if self.verbose:
                from bot.cli import show_retrieval

                show_retrieval(self.runtime, line)
            answer = self.runner.run(self.runtime.answerer.ask(CONVERSATION, line))
        except KeyboardInterrupt:
            self.interrupted = True
            click.echo("\n" + t("cli_cancelled", lang), err=True)
            return True
        except CitebotError as exc:
            click.echo(t("error", lang, message=exc), err=True)
            return True
        click.echo(render_answer(answer, lang))
        click.echo("")
        return True

    def command(self, name: str) -> bool:
        """A slash command; False means quit."""
        if name in ("/quit", "/exit", "/q"):
            return False
        if name == "/help":
            click.echo(t("cli_chat_help", self.lang))
        elif name == "/reset":
            self.runtime.answerer.reset(CONVERSATION)
            click.echo(t("cli_forgotten", self.lang))
        elif name == "/sources":
            last = self.runtime.answerer.last_answer(CONVERSATION)
            click.echo(render_sources(last, self.lang) if last else t("cli_no_answer", self.lang))
        else:
            click.echo(t("cli_unknown", self.lang, command=name), err=True)
        return True
