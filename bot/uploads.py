"""Documents added by the bot's admins: saved under `<sources>/uploads/`, indexed by the one
writer, replaced when the same name comes again, removed by name. A file that cannot be read
changes nothing: the previous version (if any) is put back and re-indexed."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.types import IngestReport

UPLOADS = "uploads"
SUPPORTED = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")
MAX_BYTES = 20 * 1024 * 1024  # the Bot API's download limit for bots
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)

Ingest = Callable[[], IngestReport]
Count = Callable[[str], int]


@dataclass
class UploadResult:
    """What adding one document did."""

    name: str
    status: str  # "added" | "replaced" | "unchanged" | "unreadable"
    passages: int = 0
    why: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)


def safe_name(name: str) -> str:
    """A file name that stays inside the uploads folder ("../x.pdf" -> "x.pdf")."""
    base = Path(name.replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip(" .") or "document"
    return base[:120]


def supported(name: str) -> bool:
    """True for a file type the index can read."""
    return Path(name).suffix.lower() in SUPPORTED


class Uploads:
    """The uploads folder of the sources, and indexing after every change."""

    def __init__(self, sources_dir: Path, ingest: Ingest, passages_of: Count) -> None:
        self.folder = Path(sources_dir) / UPLOADS
        self.ingest = ingest
        self.passages_of = passages_of

    def source_name(self, name: str) -> str:
        """The name the index knows the upload by (relative to the sources folder)."""
        return f"{UPLOADS}/{name}"

    def names(self) -> list[str]:
        """The uploaded documents."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.is_file())

    def add(self, name: str, downloaded: Path) -> UploadResult:
        """Move a downloaded file into the uploads folder under `name` and index it. Must run
        as the index's writer (in a worker thread: it reads and embeds)."""
        name = safe_name(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / name
        backup = None
        if target.exists():
            backup = target.with_name(f".{name}.previous")
            shutil.move(str(target), backup)
        shutil.move(str(downloaded), target)
        source = self.source_name(name)
        try:
            report = self.ingest()
        except BaseException:
            self._restore(target, backup)
            raise
        why = dict(report.skipped).get(source)
        if why is not None or source not in report.added + report.updated + report.unchanged:
            self._restore(target, backup)
            self.ingest()
            return UploadResult(name, "unreadable", why=why or "no text found")
        if backup is not None:
            backup.unlink(missing_ok=True)
        status = ("unchanged" if source in report.unchanged
                  else "replaced" if source in report.updated else "added")
        others = [(n, w) for n, w in report.skipped if n != source]
        return UploadResult(name, status, self.passages_of(source), skipped=others)

    def forget(self, name: str) -> bool:
        """Remove an uploaded document from the folder and the index; False if unknown."""
        target = self.folder / safe_name(name)
        if not target.is_file():
            return False
        target.unlink()
        self.ingest()
        return True

    @staticmethod
    def _restore(target: Path, backup: Path | None) -> None:
        target.unlink(missing_ok=True)
        if backup is not None:
            shutil.move(str(backup), target)
