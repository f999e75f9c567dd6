"""Prompt files (`prompts/*.txt`): loaded once at start-up and checked for their placeholders.

Placeholders are `{name}`; filling them is plain substitution of the known names only, so braces
inside retrieved documents or questions are never interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import ConfigError
from index.text import language_name
from index.types import Passage

REQUIRED: dict[str, frozenset[str]] = {
    "system": frozenset(),
    "answer": frozenset({"history", "passages", "question", "language"}),
    "condense": frozenset({"history", "question", "language"}),
    "briefing": frozenset({"passages", "topic", "language", "max_chars"}),
    "language_retry": frozenset({"language"}),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Prompts:
    """The prompt templates, by name."""

    templates: dict[str, str]

    @classmethod
    def load(cls, folder: Path) -> Prompts:
        """Read and check every prompt file; a missing file or placeholder is a `ConfigError`."""
        templates: dict[str, str] = {}
        for name, needed in REQUIRED.items():
            path = Path(folder) / f"{name}.txt"
            try:
                text = path.read_text(encoding="utf-8").strip()
            except OSError as err:
                raise ConfigError(f"Prompt file {path} cannot be read: {err.strerror}.") from None
            if not text:
                raise ConfigError(f"Prompt file {path} is empty.")
            found = set(_PLACEHOLDER.findall(text))
            if missing := needed - found:
                raise ConfigError(
                    f"Prompt file {path} lacks placeholder(s) "
                    + ", ".join("{" + m + "}" for m in sorted(missing))
                    + "."
                )
            if unknown := found - needed:
                raise ConfigError(
                    f"Prompt file {path} has unknown placeholder(s) "
                    + ", ".join("{" + u + "}" for u in sorted(unknown))
                    + "."
                )
            templates[name] = text
        return cls(templates)

    def render(self, name: str, **values: object) -> str:
        """Fill template `name`; every required placeholder must be given."""
        needed = REQUIRED[name]
        if missing := needed - values.keys():
            raise ValueError(f"render({name!r}) misses {sorted(missing)}")
        return _PLACEHOLDER.sub(
            lambda m: str(values[m.group(1)]) if m.group(1) in needed else m.group(0),
            self.templates[name],
        )


def fence_passages(passages: list[Passage]) -> str:
    """Passages as numbered, delimited data blocks; a closing tag inside a text is defused."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        text = re.sub(
            r"</?\s*document", lambda m: m.group(0).replace("<", "‹"), p.text, flags=re.IGNORECASE
        )
        source = p.source.replace('"', "'")
        blocks.append(
            f'<document n="{n}" source="{source}" locator="{p.locator}">\n'
            f"{text.strip()}\n</document>"
        )
    return "\n\n".join(blocks)


def language_of(text: str) -> str:
    """The language to answer in: Russian or English by script, else "the question's"."""
    return language_name(text)
