"""The command-line front end: a thin adapter over the index and the answering service."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from bot.logs import setup_logging
from bot.render_text import render_answer, render_report, render_stats
from bot.settings import Settings
from index.errors import CitebotError

log = logging.getLogger("citebot.cli")
F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def handle_errors(func: F) -> F:
    """Turn every failure into one line on stderr; details go to the log file."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CitebotError as exc:
            log.info("command failed: %s", exc, exc_info=True)
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted")
        except Exception as exc:
            log.exception("unexpected error")
            _fail(f"unexpected {type(exc).__name__}; details are in the log (citebot.log).")

    return wrapper  # type: ignore[return-value]


def load_settings() -> Settings:
    """Settings from the environment and .env, or a one-line error."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        _fail(f"bad setting {name}: {first.get('msg', 'invalid value')}")
        raise  # unreachable


def progress_bar(total: int, desc: str) -> Callable[[str, int], None]:
    """A stderr progress bar; returns a callback (file name, files done)."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="file", file=sys.stderr, leave=False)

    def update(name: str, done: int) -> None:
        bar.set_postfix_str(name[-40:], refresh=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more detail to stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """citebot: answers from your documents, with citations."""
    settings = load_settings()
    setup_logging(settings, verbose)
    ctx.obj = settings


def _library(settings: Settings, rebuild: bool = False) -> Any:
    from index.search_index import SearchIndex

    library = SearchIndex.from_settings(settings, rebuild=rebuild)
    if library.rebuilt_from:
        click.echo(
            f"The index was unreadable; it was moved to {library.rebuilt_from} and is rebuilt "
            "from the sources.",
            err=True,
        )
    return library


def _ingest(library: Any, paths: list[Path] | None, rebuild: bool = False) -> Any:
    from index.ingest import count_files

    with library.lock:  # a busy index is refused before any progress bar is drawn
        total = count_files(paths or library.default_roots(), library.sources_dir)
        run = library.rebuild if rebuild else library.ingest
        return run(paths, progress=progress_bar(total, "Indexing"))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--rebuild", is_flag=True,
    help="Drop the index and build it again (e.g. after changing CITEBOT_EMBEDDING).",
)
@click.pass_obj
@handle_errors
def ingest(settings: Settings, paths: tuple[Path, ...], rebuild: bool) -> None:
    """Index the sources (default: the sources folder and everything indexed before)."""
    for p in paths:
        if not p.exists():
            raise CitebotError(f"{p} does not exist")
    library = _library(settings, rebuild)
    report = _ingest(library, list(paths) or None, rebuild)
    if rebuild:
        click.echo(f"Rebuilt the index with {library.encoder.description}.")
    click.echo(render_report(report))


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@handle_errors
def ask(settings: Settings, question: str, as_json: bool) -> None:
    """Answer one question from the sources, with citations."""
    answerer = _answerer(settings, question)
    answer = asyncio.run(answerer.ask("cli", question, remember=False))
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        click.echo(render_answer(answer))


def _answerer(settings: Settings, question: str | None = None) -> Any:
    """The answering service over an index that is ingested first if empty. A `question` is
    checked before any indexing, so a bad one fails at once."""
    from bot.service import Answerer

    library = _library(settings)
    answerer = Answerer.from_settings(settings, library=library)
    if question is not None:
        answerer.clean_question(question)
    if library.is_empty() or library.rebuilt_from:
        click.echo("The index is empty; indexing the sources first.", err=True)
        _ingest(library, None)
    return answerer


@cli.command()
@click.pass_obj
@handle_errors
def chat(settings: Settings) -> None:
    """Chat with follow-up questions; /sources shows the last sources, /reset forgets, /quit."""
    answerer = _answerer(settings)
    asyncio.run(_chat(answerer, "cli:chat"))


async def _chat(answerer: Any, conversation: str) -> None:
    """The REPL, on one event loop (the LLM client's connections belong to it)."""
    answerer.reset(conversation)
    click.echo("Ask a question (/sources, /reset, /quit).", err=True)
    while True:
        try:
            line = click.prompt("you", prompt_suffix="> ", err=True).strip()
        except (EOFError, click.Abort):
            break
        if line in ("/quit", "/exit"):
            break
        if line == "/reset":
            answerer.reset(conversation)
            click.echo("Conversation forgotten.")
        elif line == "/sources":
            last = answerer.last_answer(conversation)
            click.echo(render_answer(last) if last else "No answer yet.")
        elif line:
            try:
                click.echo(render_answer(await answerer.ask(conversation, line)))
            except CitebotError as exc:
                click.echo(f"Error: {exc}", err=True)
        click.echo("")


@cli.command()
@click.argument("topic", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
@handle_errors
def brief(settings: Settings, topic: tuple[str, ...], as_json: bool) -> None:
    """A cited digest of the sources, or of what matches TOPIC."""
    answer = asyncio.run(_answerer(settings).brief(" ".join(topic) or None))
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        click.echo(render_answer(answer))


@cli.command("eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Evaluate on a temporary index of this folder (your index is untouched).")
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Passages retrieved per question.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object as the last line.")
@click.option("--by-lang", is_flag=True, help="Report each question language apart.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write per-question results (JSON lines) here.")
@click.pass_obj
@handle_errors
def eval_(settings: Settings, questions: Path, corpus: Path | None, k: int, as_json: bool,
          by_lang: bool, out: Path | None) -> None:
    """Measure retrieval and answers on a question file (format: shared/eval/README.md)."""
    from tqdm import tqdm

    from bot.evaluation import evaluate, load_questions, render_table

    try:
        total = len(load_questions(questions))
    except ValueError as exc:
        raise CitebotError(str(exc)) from exc
    bars: list[Any] = []

    def advance(done: int) -> None:  # the bar appears after any indexing
        if not bars:
            bars.append(tqdm(total=total, desc="Questions", unit="q", file=sys.stderr, leave=False))
        bars[0].update(done - bars[0].n)

    summary, _ = evaluate(
        settings, questions, corpus, k=k, by_lang=by_lang, out=out,
        library=None if corpus else _library(settings),
        ingest_progress=lambda n: progress_bar(n, "Indexing"), progress=advance,
    )
    for bar in bars:
        bar.close()
    click.echo(json.dumps(summary, ensure_ascii=False) if as_json else render_table(summary))


@cli.command()
@click.pass_obj
@handle_errors
def stats(settings: Settings) -> None:
    """Documents, chunks, index location and embedding model."""
    click.echo(render_stats(_library(settings).stats()))


@cli.command()
@click.pass_obj
@handle_errors
def serve(settings: Settings) -> None:
    """Run the Telegram bot (long polling; a webhook if CITEBOT_WEBHOOK_URL is set)."""
    from bot.telegram.app import serve as run_bot

    run_bot(settings)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="citebot")


if __name__ == "__main__":
    main()
