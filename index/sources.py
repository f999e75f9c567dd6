"""The sources a user has indexed, recorded in the data dir (`sources.json`).

Roots (folders or single files) are kept as absolute paths, so the index means the same from any
working directory. The configured sources folder (the seed corpus by default) is the default
root only until the user names their own: then it is dropped. `forget` removes a root, or
excludes a file or folder inside one. The last ingest's skipped files and the time each document
was indexed are kept too, for `citebot sources`."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import ConfigError

log = logging.getLogger(__name__)
FILE_NAME = "sources.json"


def under(path: Path, root: Path) -> bool:
    """True if `path` is `root` or inside it."""
    return path == root or root in path.parents


@dataclass
class SourceRegistry:
    """Roots, exclusions, when each document was indexed, and what was skipped (and why)."""

    path: Path
    roots: list[str] = field(default_factory=list)
    user_named: bool = False  # False: the only root is the configured default folder
    excluded: list[str] = field(default_factory=list)
    indexed_at: dict[str, float] = field(default_factory=dict)  # document key -> epoch s
    skipped: dict[str, str] = field(default_factory=dict)  # absolute path -> reason

    @classmethod
    def load(cls, data_dir: Path) -> SourceRegistry:
        """The registry of `data_dir` (empty if none was saved or it is unreadable)."""
        path = data_dir / FILE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                path, [str(r) for r in data.get("roots", [])], bool(data.get("user_named")),
                [str(e) for e in data.get("excluded", [])],
                {str(k): float(v) for k, v in data.get("indexed_at", {}).items()},
                {str(k): str(v) for k, v in data.get("skipped", {}).items()},
            )
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("%s is unreadable (%s); starting a new sources list", path, exc)
            return cls(path)

    def save(self) -> None:
        """Write atomically."""
        data = {"roots": self.roots, "user_named": self.user_named, "excluded": self.excluded,
                "indexed_at": self.indexed_at, "skipped": self.skipped}
        tmp = self.path.with_name(self.path.name + ".tmp")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def default_roots(self, sources_dir: Path) -> list[Path]:
        """What a plain ingest syncs: the recorded roots, else the configured sources folder,
        which must then exist."""
        if self.roots or self.user_named:  # the user's own (possibly none, after `forget`)
            return [Path(r) for r in self.roots]
        folder = sources_dir.expanduser().resolve()
        if not folder.is_dir():
            raise ConfigError(
                f"the sources folder {folder} does not exist; create it, set "
                "CITEBOT_SOURCES_DIR, or index a folder with `citebot ingest PATH`"
            )
        self.roots = [str(folder)]
        return [folder]

    def name(self, paths: list[Path]) -> list[str]:
        """Record roots the user named; returns the roots dropped (the default folder, the
        first time the user names their own)."""
        dropped = [] if self.user_named else list(self.roots)
        if not self.user_named:
            self.roots = []
        self.user_named = True
        for p in paths:
            p = p.expanduser().resolve()
            self.excluded = [e for e in self.excluded if not under(Path(e), p)]
            if not any(under(p, Path(r)) for r in self.roots):
                self.roots = [r for r in self.roots if not under(Path(r), p)] + [str(p)]
        dropped = [d for d in dropped if d not in self.roots]
        return dropped

    def forget(self, path: Path) -> bool:
        """Stop tracking `path`: a root (or roots inside it) is removed, a file or folder inside
        a root is excluded. False if nothing tracked covers it."""
        path = path.expanduser().resolve()
        inside = [r for r in self.roots if under(Path(r), path)]
        if inside:
            self.roots = [r for r in self.roots if r not in inside]
            self.excluded = [e for e in self.excluded if not any(under(Path(e), Path(r))
                                                                 for r in inside)]
            if not self.roots:
                self.user_named = True  # forgetting everything must not bring the seeds back
            return True
        if any(under(path, Path(r)) for r in self.roots):
            if str(path) not in self.excluded:
                self.excluded.append(str(path))
            return True
        return False

    def is_excluded(self, path: Path) -> bool:
        """True if the user forgot this file (or a folder holding it)."""
        return any(under(path, Path(e)) for e in self.excluded)

    def record(self, indexed: list[str], skipped: list[tuple[str, str]], now: float = 0.0) -> None:
        """Note the documents (keys) indexed now and the files skipped, by absolute path."""
        stamp = now or time.time()
        for key in indexed:
            self.indexed_at[key] = stamp
        self.skipped = dict(skipped)
