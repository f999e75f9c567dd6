"""The CLI's manners: -h everywhere, bare `citebot` prints help, one-line path errors, and
`citebot chat` driven through a pseudo-terminal (slash commands, Ctrl-C, Ctrl-D, exit codes)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

from tests.clirun import citebot, citebot_env, one_line_error
from tests.conftest import SEEDS

COMMANDS = ["ask", "chat", "brief", "ingest", "eval", "stats", "sources", "forget", "serve"]


def test_help_everywhere_and_bare_citebot(tmp_path: Path) -> None:
    bare = citebot([], tmp_path / "data")
    assert bare.returncode == 0 and "Commands:" in bare.stdout and "chat" in bare.stdout
    for command in COMMANDS:
        for flag in ("-h", "--help"):
            proc = citebot([command, flag], tmp_path / "data")
            assert proc.returncode == 0 and "Usage:" in proc.stdout, (command, proc.stderr)
    russian = citebot(["-h"], tmp_path / "data", CITEBOT_LANGUAGE="ru")
    assert "ответы по вашим документам" in russian.stdout
    assert "Показать эту справку" in citebot(["ask", "-h"], tmp_path / "data",
                                             LANG="ru_RU.UTF-8").stdout


def test_path_problems_are_one_line(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("oops", "utf-8")
    line = one_line_error(citebot(["stats"], not_a_dir))
    assert str(not_a_dir) in line


def spawn_chat(tmp_path: Path, **env: str) -> pexpect.spawn:
    full = citebot_env(tmp_path / "data", SEEDS, CITEBOT_LANGUAGE="en", **env)
    child = pexpect.spawn(sys.executable, ["-m", "bot.cli", "chat"], cwd=str(tmp_path),
                          env=full, encoding="utf-8", timeout=180)
    child.expect("Ctrl-D quits")
    child.expect("you> ")
    return child


def interrupt_until(child: pexpect.spawn, expected: object) -> None:
    """Press Ctrl-C until `expected` shows. On a loaded machine a signal sent the instant the
    prompt is drawn can arrive before readline waits for input; the user would press again."""
    for _ in range(5):
        child.sendintr()
        if child.expect([expected, pexpect.TIMEOUT], timeout=15) == 0:
            return
    raise AssertionError(f"no {expected!r} after five Ctrl-C")


@pytest.fixture(scope="module")
def chat_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("chat")
    assert citebot(["ingest"], home / "data").returncode == 0
    return home


def test_chat_slash_commands_and_quit(chat_home: Path) -> None:
    child = spawn_chat(chat_home)
    child.sendline("/help")
    child.expect("/reset")
    child.expect("you> ")
    child.sendline("/nope")
    child.expect("Unknown command /nope")
    child.expect("you> ")
    child.sendline("/sources")
    child.expect("No answer yet")
    child.expect("you> ")
    child.sendline("When did Zhidou go bankrupt?")
    child.expect("2019")
    child.expect("you> ")
    child.sendline("/sources")
    child.expect("Sources for: When did Zhidou go bankrupt")
    child.expect("you> ")
    child.sendline("/reset")
    child.expect("Conversation forgotten")
    child.expect("you> ")
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_chat_ctrl_c_twice_and_ctrl_d_exit_zero(chat_home: Path) -> None:
    child = spawn_chat(chat_home)
    interrupt_until(child, "cancelled")
    child.expect("you> ")  # back at the prompt: a second Ctrl-C now leaves
    interrupt_until(child, pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    child = spawn_chat(chat_home)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_brief_new_keeps_its_mark_between_runs(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    data = tmp_path / "data"
    first = citebot(["brief", "new"], data, sources, CITEBOT_LANGUAGE="en")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("New or changed since the start: 000_") and "[1]" in first.stdout
    again = citebot(["brief", "new"], data, sources, CITEBOT_LANGUAGE="en")
    assert again.returncode == 0 and again.stdout.startswith("Nothing new"), again.stdout
    (sources / "volcano.md").write_text(
        "# Volcano\n\nThe Lakagigar eruption began in June 1783 and lasted eight months.\n",
        "utf-8",
    )
    assert citebot(["ingest"], data, sources).returncode == 0
    news = citebot(["brief", "new", "--json"], data, sources, CITEBOT_LANGUAGE="ru")
    report = json.loads(news.stdout)
    assert report["changed"] == ["volcano.md"] and report["note"].startswith("Новое")
    cited = {c["source"] for c in report["answer"]["citations"]}
    assert cited == {"volcano.md"}


def test_verbose_ask_shows_what_retrieval_ranked(tmp_path: Path) -> None:
    proc = citebot(["-v", "ask", "Когда обанкротилась Zhidou?"], tmp_path / "data",
                   CITEBOT_LANGUAGE="en")
    assert proc.returncode == 0 and "[1]" in proc.stdout, proc.stderr
    ranked = [line for line in proc.stderr.splitlines() if line.startswith("  1. ")]
    assert "Retrieved for 'Когда обанкротилась Zhidou?':" in proc.stderr
    assert ranked and "000_b6104577f47c4be2.txt, ¶" in ranked[0]
    assert "Retrieved" not in proc.stdout  # details on stderr, the answer alone on stdout
