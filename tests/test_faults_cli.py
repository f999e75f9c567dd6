"""Fault matrix, command-line side: unusable questions, and secrets that never reach a log."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service import Answerer
from index.errors import InputError
from index.search_index import SearchIndex
from tests.chroma_server import free_port
from tests.clirun import citebot, one_line_error
from tests.conftest import make_settings

TOKEN = "987654321:AAFsecretTokenNeverLogged_0123456789abc"
API_KEY = "sk-test-NeverLogThisKey-0123456789abcdef"
CHROMA_PASSWORD = "chroma-pass-NeverLogged-42"


QUESTIONS = [
    ("Zhidou " * 2858, "too long"),  # 20,006 characters
    ("😀🎉🔥🚗⚡️", "in words"),
    ("   \t\n   ", "in words"),
    ("", "in words"),
]
IDS = ["20000-chars", "emoji-only", "whitespace-only", "empty"]


def test_a_20000_character_question_is_one_clear_line(tmp_path: Path) -> None:
    line = one_line_error(citebot(["ask", QUESTIONS[0][0]], tmp_path / "data"))
    assert "too long" in line and len(line) < 300


@pytest.mark.parametrize(("question", "expected"), QUESTIONS, ids=IDS)
async def test_unusable_questions_are_refused_clearly(
    seed_library: SearchIndex, question: str, expected: str
) -> None:
    """What the CLI and the bot both call: a one-line `InputError`, nothing retrieved."""
    answerer = Answerer.from_settings(make_settings(seed_library.data_dir), library=seed_library)
    with pytest.raises(InputError, match=expected) as err:
        await answerer.ask("t", question)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_secrets_never_reach_logs_or_messages(tmp_path: Path) -> None:
    """Token and key set, DEBUG logging (-v), a normal run, an LLM that is down and a Chroma server
    that is down: neither secret shows in stdout, stderr or the log file."""
    data = tmp_path / "data"
    dead = f"127.0.0.1:{free_port()}"
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": f"http://{dead}/v1",
        "CITEBOT_LLM_TIMEOUT_S": "2",
        "CITEBOT_LOG_LEVEL": "DEBUG",
    }
    runs = [
        citebot(["-v", "ingest"], data, **env),
        citebot(["-v", "ask", "Когда обанкротилась Zhidou?"], data, **env),
        citebot(["-v", "stats"], data, **env),
        citebot(["-v", "ask", "Zhidou?"], data, **env,
                CITEBOT_CHROMA_URL=f"http://admin:{CHROMA_PASSWORD}@{dead}"),
    ]
    assert runs[1].returncode == 0, runs[1].stderr  # the LLM is down: extractive fallback
    assert "2019" in runs[1].stdout
    assert runs[3].returncode == 1 and "not reachable" in runs[3].stderr  # -v adds the details
    logs = "".join(p.read_text("utf-8") for p in data.glob("citebot.log*"))
    assert "DEBUG" in logs or "INFO" in logs  # the log was written at a verbose level
    for secret in (TOKEN, API_KEY, CHROMA_PASSWORD, TOKEN.split(":")[1], API_KEY[3:]):
        for proc in runs:
            assert secret not in proc.stdout and secret not in proc.stderr
        assert secret not in logs


def test_input_errors_follow_the_cli_language(tmp_path: Path) -> None:
    """The same one line, from the catalogue, in the CLI's language (CITEBOT_LANGUAGE)."""
    line = one_line_error(citebot(["ask", "😀🎉"], tmp_path / "data", CITEBOT_LANGUAGE="ru"))
    assert "задайте вопрос словами" in line, line
    line = one_line_error(citebot(["ask", "Zhidou " * 2858], tmp_path / "data",
                                  CITEBOT_LANGUAGE="ru"))
    assert "слишком длинный" in line and "2000" in line, line
