"""Plain text, streamed: blank lines separate paragraphs; a short title line standing alone
before a paragraph becomes a heading (level 1 for the first, 2 after)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.errors import LoaderError
from index.parsing.blocks import Block, Kind, clean

_SAMPLE = 1 << 20
_MAX_BLOCK = 100_000  # a "paragraph" longer than this (no blank lines at all) is cut at a line
_END_PUNCT = tuple(".!?:;,…")
_LETTERS_RE = re.compile(r"[^\W\d_]{3,}")


def detect_encoding(path: Path) -> str:
    """utf-16 (BOM), utf-8 or cp1251 (the usual legacy ru/en encoding); raise `LoaderError`
    on binary data."""
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in sample[:4096]:
        raise LoaderError("binary data, not text")
    else:
        encoding = "utf-8-sig"
        try:
            sample.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
                encoding = "cp1251"
    text = sample.decode(encoding, errors="replace")[:20000]
    bad = sum(1 for ch in text if not (ch.isprintable() or ch in "\n\r\t\f"))
    if bad > 0.02 * max(1, len(text)):
        raise LoaderError("binary data, not text")
    return encoding


def raw_paragraphs(path: Path, read: list[int] | None = None) -> Iterator[list[str]]:
    """The file's blank-line separated blocks, each as its stripped lines, read lazily;
    `read[0]` follows the bytes read so far."""
    encoding = detect_encoding(path)
    lines: list[str] = []
    size = 0
    if encoding == "utf-16":  # not line-decodable piecewise: rare, read whole
        raw: Iterable[str] = path.read_text(encoding, errors="replace").splitlines()
    else:
        raw = _decoded_lines(path, encoding, read)
    for line in raw:
        line = line.strip()
        if not line:
            if lines:
                yield lines
            lines, size = [], 0
            continue
        lines.append(line)
        size += len(line)
        if size > _MAX_BLOCK:
            yield lines
            lines, size = [], 0
    if lines:
        yield lines


def _decoded_lines(path: Path, encoding: str, read: list[int] | None) -> Iterator[str]:
    with path.open("rb") as fh:
        for raw in fh:
            if read is not None:
                read[0] += len(raw)
            yield raw.decode(encoding, errors="replace")


def is_title(line: str) -> bool:
    """A short line that reads like a title: no closing punctuation, some words, not mostly a
    number or a date."""
    words = line.split()
    return (
        0 < len(words) <= 14
        and len(line) <= 100
        and not line.endswith(_END_PUNCT)
        and len(_LETTERS_RE.findall(line)) >= 2
        and not line.startswith(("-", "*", "•", "—"))
    )


def parse_text(path: Path, read: list[int] | None = None) -> Iterator[Block]:
    """Headings and paragraphs of a plain-text file (`read[0]`: bytes read so far)."""
    seen_heading = False
    pending: list[str] | None = None  # a title block waiting to see what follows it
    for lines in raw_paragraphs(path, read):
        if pending is not None:
            follows_text = not (len(lines) == 1 and is_title(lines[0]))
            if follows_text:
                yield Block(Kind.HEADING, clean(pending[0]), level=2 if seen_heading else 1)
                seen_heading = True
                yield from (Block(Kind.PARAGRAPH, clean(x)) for x in pending[1:])
            else:
                yield from (Block(Kind.PARAGRAPH, clean(x)) for x in pending)
            pending = None
        if len(lines) <= 3 and is_title(lines[0]) and all(len(x) <= 100 for x in lines):
            pending = lines
            continue
        yield Block(Kind.PARAGRAPH, clean(" ".join(lines)))
    if pending is not None:
        yield from (Block(Kind.PARAGRAPH, clean(x)) for x in pending)
