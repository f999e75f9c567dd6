"""The one settings class: prefixes, conventional names, validation, and .env.example coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from tests.conftest import REPO


def _env_names() -> set[str]:
    names = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if alias is not None and hasattr(alias, "choices"):
            names.add(str(alias.choices[0]))
        else:
            names.add(f"CITEBOT_{field_name.upper()}")
    return names


def test_env_example_lists_every_setting() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    missing = _env_names() - listed
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_prefixed_and_conventional_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CITEBOT_TOP_K", "7")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123456")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.data_dir == tmp_path and s.top_k == 7 and s.llm_enabled
    assert "sk-test" not in repr(s) and "ABCDEFGH" not in repr(s)  # secrets stay hidden


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CITEBOT_COLLECTION=from_dotenv\nCHROMA_SERVER_HOST=x\n")
    monkeypatch.chdir(tmp_path)
    assert Settings().collection == "from_dotenv"  # unrelated (Chroma's own) names are ignored


def test_bad_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEBOT_COLLECTION", "ab")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
