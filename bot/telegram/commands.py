"""The one command table: it drives the handlers' registration, `setMyCommands` (in English and
Russian) and the /help text."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand

from bot.i18n import LANGUAGES, t


@dataclass(frozen=True)
class Command:
    """A bot command: its name, the handler method that serves it, and who may use it."""

    name: str
    handler: str  # method name on one of the handler objects (see bot/telegram/app.py)
    args: str = ""  # shown in /help, e.g. "QUESTION"
    admin: bool = False  # bot admins only (listed in /help, not in the command menu)

    def description(self, lang: str) -> str:
        """The one-line description in `lang`, from the catalogue."""
        return t(f"cmd_{self.name}", lang)


COMMANDS: tuple[Command, ...] = (
    Command("ask", "ask", "QUESTION"),
    Command("sources", "sources"),
    Command("brief", "brief", "[new | TOPIC]"),
    Command("reset", "reset"),
    Command("language", "language", "ru|en"),
    Command("subscribe", "subscribe", "HH:MM"),
    Command("unsubscribe", "unsubscribe"),
    Command("start", "start"),
    Command("help", "help"),
    Command("add", "add", admin=True),
    Command("forget", "forget", "NAME", admin=True),
    Command("reindex", "reindex", admin=True),
)


def menu(lang: str) -> list[BotCommand]:
    """The commands shown in Telegram's menu for users of `lang`."""
    return [BotCommand(c.name, c.description(lang)) for c in COMMANDS if not c.admin]


def menus() -> dict[str | None, list[BotCommand]]:
    """language_code -> menu; None is the default (English) for every other language."""
    return {None: menu("en"), **{lang: menu(lang) for lang in LANGUAGES if lang != "en"}}


def help_text(lang: str, username: str, *, admin: bool = False) -> str:
    """The /help message: what the bot does, then one line per command."""
    lines = [t("help_intro", lang, username=username), ""]
    for c in COMMANDS:
        if c.admin and not admin:
            continue
        usage = f"/{c.name} {c.args}".rstrip()
        lines.append(f"{usage} — {c.description(lang)}")
    if admin:
        lines += ["", t("help_upload", lang)]
    return "\n".join(lines)
