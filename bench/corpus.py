"""A synthetic N× corpus for the scale benchmark, generated at bench time (never committed).

1× ≈ 200 k characters: the xquad_dev articles and the seed article, twice (variant 0 is the
original text, so the dev questions stay answerable). Every other variant renames proper names and
shifts numbers deterministically, so no two copies are identical and the vocabulary keeps growing.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from tests.conftest import REPO

XQUAD = next(  # ../shared from the main checkout, ../../shared from a worktree
    (p / "shared" / "eval" / "xquad_dev" for p in REPO.parents
     if (p / "shared" / "eval" / "xquad_dev").is_dir()),
    REPO.parent / "shared" / "eval" / "xquad_dev",
)
SEED_DIR = REPO / "seeds"
VARIANTS_PER_X = 2

_NAME_RE = re.compile(r"(?<=[\s(«\"])([A-ZА-ЯЁ][a-zа-яё]{3,})")
_NUM_RE = re.compile(r"\d+")


def base_documents() -> list[tuple[str, str]]:
    """(file name, text) of the originals: the xquad_dev articles and the seed."""
    docs = [(p.name, p.read_text("utf-8")) for p in sorted((XQUAD / "corpus").glob("*.txt"))]
    docs += [(p.name, p.read_text("utf-8")) for p in sorted(SEED_DIR.glob("*.txt"))]
    return docs


def _names(docs: list[tuple[str, str]]) -> list[str]:
    seen: dict[str, None] = {}
    for _, text in docs:
        for name in _NAME_RE.findall(text):
            seen.setdefault(name, None)
    return list(seen)


def vary(text: str, variant: int, pool: list[str]) -> str:
    """`text` with names swapped for others from `pool` and numbers shifted, per `variant`."""
    if variant == 0:
        return text
    rng = random.Random(variant)
    shuffled = pool[:]
    rng.shuffle(shuffled)
    mapping = dict(zip(pool, shuffled, strict=True))
    shift = rng.randint(1, 97)
    text = _NAME_RE.sub(lambda m: mapping.get(m.group(1), m.group(1)), text)
    return _NUM_RE.sub(lambda m: str(int(m.group(0)) + shift * (1 + len(m.group(0)) % 3)), text)


def generate(folder: Path, scale: int) -> tuple[int, int]:
    """Write the `scale`× corpus into `folder`; return (files, characters)."""
    docs = base_documents()
    pool = _names(docs)
    files = chars = 0
    for variant in range(scale * VARIANTS_PER_X):
        sub = folder / f"v{variant:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        for name, text in docs:
            body = vary(text, variant, pool)
            (sub / name).write_text(body, encoding="utf-8")
            files += 1
            chars += len(body)
    return files, chars


def questions(limit: int, seed: int = 7) -> list[str]:
    """A fixed sample of the xquad_dev questions (Russian and English)."""
    import json

    lines = []
    for lang in ("ru", "en"):
        path = XQUAD / f"questions.{lang}.jsonl"
        lines += [json.loads(ln)["question"] for ln in path.read_text("utf-8").splitlines() if ln]
    rng = random.Random(seed)
    rng.shuffle(lines)
    return lines[:limit]
