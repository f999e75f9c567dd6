"""Source parsers, one module per format, all yielding `Block`s in reading order.

Markdown: markdown-it-py; HTML: trafilatura (main content, tables with headers), BeautifulSoup as
a fallback; PDF: pdfplumber; DOCX: python-docx; plain text: streamed line by line."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import LoaderError
from index.parsing.blocks import Block, Kind

__all__ = ["FORMATS", "SUPPORTED", "Block", "Kind", "ParsedDocument", "file_hash", "parse"]

FORMATS = {
    ".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
    ".pdf": "pdf", ".docx": "docx",
}
SUPPORTED = set(FORMATS)
MAX_FILE_BYTES = 50 * 1024 * 1024  # larger files are skipped as "too large" (text streams below)


def file_hash(path: Path) -> str:
    """Content hash used to detect changed files (read in pieces)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while piece := fh.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()[:32]


@dataclass
class ParsedDocument:
    """A source ready to be read: `blocks()` parses it lazily (plain text is streamed)."""

    path: Path
    source: str
    format: str
    size: int
    _read: list[int] = field(default_factory=lambda: [0])

    @property
    def bytes_read(self) -> int:
        """How far parsing has got, in bytes (for progress; the whole file once parsed)."""
        return min(self.size, self._read[0])

    def blocks(self) -> Iterator[Block]:
        """The document's blocks; raise `LoaderError` if it yields no text at all."""
        produced = False
        for block in _dispatch(self.path, self.format, self._read):
            if block.text:
                produced = True
                yield block
        self._read[0] = self.size
        if not produced:
            raise LoaderError("no text (empty, or a scanned PDF without a text layer)")


def _dispatch(path: Path, fmt: str, read: list[int]) -> Iterator[Block]:
    if fmt == "text":
        from index.parsing.text import parse_text

        return parse_text(path, read)
    if fmt == "pdf":
        from index.parsing.pdf import parse_pdf

        return parse_pdf(path)
    if fmt == "docx":
        from index.parsing.docx import parse_docx

        return parse_docx(path)
    data = _read(path)
    if fmt == "html":
        from index.parsing.html import parse_html

        return parse_html(data)
    from index.parsing.markdown import parse_markdown
    from index.parsing.text import detect_encoding

    return parse_markdown(data.decode(detect_encoding(path), errors="replace"))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoaderError(f"cannot read ({exc.strerror or exc})") from exc


def parse(path: Path, source: str) -> ParsedDocument:
    """Check that `path` can be used; raise `LoaderError` with a short reason if not."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoaderError(f"unsupported file type '{path.suffix.lower() or path.name}'")
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        raise LoaderError(f"cannot read ({exc.strerror or exc})") from exc
    limit = MAX_FILE_BYTES
    if size > limit:
        raise LoaderError(f"too large ({size // (1024 * 1024)} MB > {limit // (1024 * 1024)} MB)")
    if size == 0:
        raise LoaderError("no text (empty file)")
    return ParsedDocument(path, source, fmt, size)
