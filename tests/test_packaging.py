"""A normal (non-editable) install works from any directory: prompts ship inside the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SEEDS


def test_wheel_install_answers_from_another_directory(tmp_path: Path) -> None:
    wheels, site, src = tmp_path / "wheels", tmp_path / "site", tmp_path / "src"
    # build from a clean copy: setuptools' build/ folder in the checkout could hold stale modules
    junk = (".venv", ".git", "data", "build", "*.egg-info", "__pycache__", ".*_cache")
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(*junk))
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*build, "-w", str(wheels), str(src)], check=True, timeout=300)
    (wheel,) = wheels.glob("citebot-*.whl")
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site)]
    subprocess.run([*install, str(wheel)], check=True, timeout=300)
    assert (site / "prompts" / "answer.txt").is_file()
    assert not (site / "tests").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CITEBOT_", "OPENAI_"))}
    env |= {
        "PYTHONPATH": str(site),  # the installed copy, ahead of the development checkout
        "CITEBOT_SOURCES_DIR": str(SEEDS),
        "CITEBOT_DATA_DIR": str(tmp_path / "data"),
    }
    code = "import bot, sys; print(bot.__file__); from bot.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "ask", "Когда обанкротилась Zhidou?"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(str(site))
    assert "2019" in proc.stdout and "[1]" in proc.stdout
