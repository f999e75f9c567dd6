"""The command-line front end: a thin adapter over the runtime (`bot/runtime.py`).

Heavy libraries are imported only by the commands that use them, so `citebot -h` is instant and
`citebot ask` pays only for what answering needs."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bot.cli_base import Group, Option, fail, handle_errors, progress_bar
from bot.i18n import pick_language, t
from index.errors import CitebotError

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.settings import Settings

log = logging.getLogger("citebot.cli")
F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def load_settings() -> Settings:
    """Settings from the environment and .env, or a one-line error."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        fail(f"bad setting {name}: {first.get('msg', 'invalid value')}")
        raise  # unreachable


def cli_language(settings: Settings, text: str | None = None) -> str:
    """CITEBOT_LANGUAGE, else the locale's language, else the question's."""
    return pick_language(settings.language, settings.system_locale, text=text)


def open_cli_runtime(settings: Settings, question: str | None = None, *,
                     ingest_when_empty: bool = True, rebuild: bool = False) -> Runtime:
    """The runtime, with notices and the indexing progress bar on stderr."""
    from bot.runtime import open_runtime

    lang = cli_language(settings, question)

    def notice(key: str, fields: dict[str, object]) -> None:
        click.echo(t(key, lang, **fields), err=True)

    return open_runtime(settings, check_question=question, notice=notice,
                        progress=progress_bar, ingest_when_empty=ingest_when_empty,
                        rebuild=rebuild)


@click.group(cls=Group, context_settings=CONTEXT, invoke_without_command=True)
@click.option("-v", "--verbose", is_flag=True, cls=Option, help_key="help_opt_verbose")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """citebot: answers from your documents, with citations.

    Try: citebot ask "When did Zhidou go bankrupt?"   or   citebot chat"""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        ctx.exit(0)
    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        return  # help needs no settings
    from bot.logs import setup_logging

    settings = load_settings()
    setup_logging(settings, verbose)
    ctx.obj = (settings, verbose)


def _settings(ctx: click.Context) -> tuple[Settings, bool]:
    return ctx.obj


@cli.command(context_settings=CONTEXT)
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, cls=Option, help_key="help_opt_json")
@click.pass_context
@handle_errors
def ask(ctx: click.Context, question: str, as_json: bool) -> None:
    """Answer one QUESTION from the sources, with citations."""
    from bot.render_text import render_answer

    settings, verbose = _settings(ctx)
    with open_cli_runtime(settings, question) as runtime:
        if verbose:
            show_retrieval(runtime, question)
        answer = asyncio.run(runtime.answerer.ask("cli", question, remember=False))
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        click.echo(render_answer(answer, cli_language(settings, question)))


def show_retrieval(runtime: Runtime, question: str) -> None:
    """-v: the passages retrieval ranks for the question, with scores, on stderr."""
    lang = cli_language(runtime.settings, question)
    passages = runtime.index.retrieve(question, runtime.settings.top_k)
    click.echo(t("cli_retrieval", lang, query=question), err=True)
    for i, p in enumerate(passages, start=1):
        snippet = " ".join(p.text.split())[:90]
        click.echo(f"  {i}. {p.score:.3f}  {p.source}, {p.locator}  {snippet}", err=True)


@cli.command(context_settings=CONTEXT)
@click.pass_context
@handle_errors
def chat(ctx: click.Context) -> None:
    """Chat with follow-up questions (line editing and history; /help inside)."""
    from bot.cli_chat import ChatSession

    settings, verbose = _settings(ctx)
    with open_cli_runtime(settings) as runtime:
        ChatSession(runtime, cli_language(settings), verbose).run()


@cli.command(context_settings=CONTEXT)
@click.argument("topic", nargs=-1)
@click.option("--json", "as_json", is_flag=True, cls=Option, help_key="help_opt_json")
@click.pass_context
@handle_errors
def brief(ctx: click.Context, topic: tuple[str, ...], as_json: bool) -> None:
    """A cited digest of the sources, or of what matches TOPIC; `brief new`: what changed
    since the last `brief new` (the mark is kept in the data dir's state)."""
    from bot.render_text import render_answer
    from bot.whats_new import NEW_WORDS

    settings, _ = _settings(ctx)
    words = " ".join(topic) or None
    if words and words.lower() in NEW_WORDS:
        brief_new(settings, as_json)
        return
    with open_cli_runtime(settings) as runtime:
        answer = asyncio.run(runtime.answerer.brief(words))
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        click.echo(render_answer(answer, cli_language(settings, words)))


def brief_new(settings: Settings, as_json: bool) -> None:
    """`citebot brief new`: the what's-new briefing of the command line's own mark."""
    from zoneinfo import ZoneInfo

    from bot.render_text import render_answer
    from bot.whats_new import CLI_CHAT, brief_new

    lang = cli_language(settings)
    with open_cli_runtime(settings) as runtime:
        news = asyncio.run(brief_new(runtime.answerer, runtime.chats, CLI_CHAT,
                                     ZoneInfo(settings.timezone)))
    since = news.since or t("the_start", lang)
    if news.answer is None:
        line = t("nothing_new_ever" if news.empty else "nothing_new", lang, since=since)
        text = line
    else:
        line = t("whats_new", lang, since=since, names=", ".join(news.changed[:10]))
        text = f"{line}\n\n{render_answer(news.answer, lang)}"
    if as_json:
        click.echo(json.dumps({"changed": list(news.changed), "since": news.since, "note": line,
                               "answer": news.answer.to_json() if news.answer else None},
                              ensure_ascii=False))
    else:
        click.echo(text)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True,
              help="Drop the index and build it again (e.g. after changing CITEBOT_EMBEDDING).")
@click.pass_context
@handle_errors
def ingest(ctx: click.Context, paths: tuple[Path, ...], rebuild: bool) -> None:
    """Index the sources (default: the sources folder and everything indexed before)."""
    from bot.render_text import render_report

    settings, _ = _settings(ctx)
    for p in paths:
        if not p.exists():
            raise CitebotError(f"{p} does not exist")
    with open_cli_runtime(settings, ingest_when_empty=False, rebuild=rebuild) as runtime:
        report = runtime.ingest(list(paths) or None, progress_bar, rebuild=rebuild)
        if rebuild:
            click.echo(f"Rebuilt the index with {runtime.index.encoder.description}.")
    click.echo(render_report(report))


@cli.command("eval", context_settings=CONTEXT)
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path),
              cls=Option, help_key="help_opt_corpus")
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 100),
              cls=Option, help_key="help_opt_k")
@click.option("--json", "as_json", is_flag=True, cls=Option, help_key="help_opt_eval_json")
@click.option("--by-lang", is_flag=True, cls=Option, help_key="help_opt_by_lang")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              cls=Option, help_key="help_opt_out")
@click.pass_context
@handle_errors
def eval_(ctx: click.Context, questions: Path, corpus: Path | None, k: int, as_json: bool,
          by_lang: bool, out: Path | None) -> None:
    """Measure retrieval and answers on a QUESTIONS file (format: shared/eval/README.md)."""
    from tqdm import tqdm

    from bot.evaluation import evaluate, load_questions, render_table

    settings, _ = _settings(ctx)
    try:
        total = len(load_questions(questions))
    except ValueError as exc:
        raise CitebotError(str(exc)) from exc
    bars: list[Any] = []

    def advance(done: int) -> None:  # the bar appears after any indexing
        if not bars:
            bars.append(tqdm(total=total, desc="Questions", unit="q", file=sys.stderr, leave=False))
        bars[0].update(done - bars[0].n)

    summary, _ = evaluate(settings, questions, corpus, k=k, by_lang=by_lang, out=out,
                          ingest_progress=progress_bar, progress=advance)
    for bar in bars:
        bar.close()
    click.echo(json.dumps(summary, ensure_ascii=False) if as_json else render_table(summary))


@cli.command(context_settings=CONTEXT)
@click.pass_context
@handle_errors
def stats(ctx: click.Context) -> None:
    """Documents, chunks, index location and embedding model."""
    from bot.render_text import render_stats

    settings, _ = _settings(ctx)
    with open_cli_runtime(settings, ingest_when_empty=False) as runtime:
        click.echo(render_stats(runtime.index.stats()))


@cli.command(context_settings=CONTEXT)
@click.pass_context
@handle_errors
def sources(ctx: click.Context) -> None:
    """List the indexed documents (path, format, passages, when) and what was skipped."""
    from bot.render_text import render_documents

    settings, _ = _settings(ctx)
    with open_cli_runtime(settings, ingest_when_empty=False) as runtime:
        click.echo(render_documents(*runtime.index.documents()))


@cli.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
@handle_errors
def forget(ctx: click.Context, path: Path) -> None:
    """Stop tracking a file or folder and remove its passages from the index."""
    from bot.render_text import render_report

    settings, _ = _settings(ctx)
    with open_cli_runtime(settings, ingest_when_empty=False) as runtime:
        runtime.index.lock.acquire()  # a busy index is refused before anything changes
        try:
            report = runtime.index.forget(path)
        finally:
            runtime.index.lock.release()
    click.echo(render_report(report))


@cli.command(context_settings=CONTEXT)
@click.pass_context
@handle_errors
def serve(ctx: click.Context) -> None:
    """Run the Telegram bot (long polling; a webhook if CITEBOT_WEBHOOK_URL is set)."""
    from bot.telegram.app import serve as run_bot

    run_bot(_settings(ctx)[0])


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="citebot")


if __name__ == "__main__":
    main()
