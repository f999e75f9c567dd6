"""Source loaders: txt, md, html, pdf, docx -> plain text with page spans."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import LoaderError

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class LoadedDocument:
    """A source's extracted text; `pages` holds (start, end, page_no) spans for PDFs."""

    source: str
    text: str
    file_hash: str
    pages: list[tuple[int, int, int]] = field(default_factory=list)


def file_hash(data: bytes) -> str:
    """Content hash used to detect changed files."""
    return hashlib.sha256(data).hexdigest()[:32]


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    bad = sum(1 for ch in sample if not (ch.isprintable() or ch in "\n\r\t\f"))
    return bad <= 0.02 * max(1, len(sample))


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:4096]:
        raise LoaderError("binary data, not text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1251", errors="replace")  # the usual legacy ru/en encoding
    if not _looks_like_text(text):
        raise LoaderError("binary data, not text")
    return text


def _strip_markdown(text: str) -> str:
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|`)", "", text)
    return text


def _html_text(data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    blocks = []
    for el in soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "pre"]):
        if el.find(["p", "li", "td"]):
            continue
        piece = " ".join(el.get_text(" ").split())
        if piece:
            blocks.append(piece)
    if not blocks:
        blocks = [" ".join(line.split()) for line in soup.get_text("\n").splitlines()]
    return "\n\n".join(b for b in blocks if b)


def _pdf(path: Path) -> tuple[str, list[tuple[int, int, int]]]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages_text = [(page.extract_text() or "") for page in reader.pages]
    except Exception as exc:  # pypdf raises many types on broken files
        raise LoaderError(f"unreadable PDF ({type(exc).__name__})") from exc
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    pos = 0
    for no, raw in enumerate(pages_text, start=1):
        page = re.sub(r"[ \t]+\n", "\n", raw).strip()
        if not page:
            continue
        if parts:
            pos += 2
        spans.append((pos, pos + len(page), no))
        parts.append(page)
        pos += len(page)
    return "\n\n".join(parts), spans


def _docx(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoaderError(f"unreadable DOCX ({type(exc).__name__})") from exc
    paras = [p.text.strip() for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paras.append(" | ".join(c.text.strip() for c in row.cells))
    return "\n\n".join(p for p in paras if p)


def load(path: Path, source: str) -> LoadedDocument:
    """Load one file; raise `LoaderError` with a short reason if it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoaderError(f"unsupported file type '{suffix or path.name}'")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoaderError(f"too large ({size // (1024 * 1024)} MB > 50 MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise LoaderError(f"cannot read ({exc.strerror or exc})") from exc
    digest = file_hash(data)
    pages: list[tuple[int, int, int]] = []
    if suffix == ".pdf":
        text, pages = _pdf(path)
    elif suffix == ".docx":
        text = _docx(path)
    elif suffix in {".html", ".htm"}:
        text = _html_text(data)
    else:
        text = _decode_text(data)
        if suffix in {".md", ".markdown"}:
            text = _strip_markdown(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise LoaderError("no text (empty, or a scanned PDF without a text layer)")
    return LoadedDocument(source=source, text=text, file_hash=digest, pages=pages)
