"""What the store holds, per document, saved in the data dir by the last ingest that finished.

An unchanged re-ingest then reads this small file instead of every chunk's metadata (seconds at
20 M characters). It is trusted only if the store still carries the version stamp, collection id
and chunk count it was saved with; an ingest deletes it before it writes, so a killed writer
leaves none, and another process's ingest (server mode) changes the stamp. Otherwise the chunks
are read as before: the store stays the truth."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from index.ingest import DocInfo

log = logging.getLogger(__name__)


def manifest_path(data_dir: Path, collection: str) -> Path:
    """Where the manifest of `collection` lives."""
    return data_dir / f"manifest-{collection}.json"


def load_manifest(path: Path, state: tuple[str, str], count: int) -> dict[str, DocInfo] | None:
    """The saved documents, if saved for exactly this store state and chunk count."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("state") != list(state) or data.get("count") != count or not state[0]:
            return None
        docs = {
            key: DocInfo(d["source"], d["root"], d["file_hash"], int(d["n_chunks"]),
                         int(d["count"]), set(d["hashes"]))
            for key, d in data["docs"].items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.info("manifest %s not usable (%s); reading the store", path, exc)
        return None
    if sum(d.count for d in docs.values()) != count:
        return None
    return docs


def save_manifest(
    path: Path, state: tuple[str, str], count: int, docs: dict[str, DocInfo]
) -> None:
    """Write the manifest atomically (best effort: it is only a shortcut)."""
    data = {
        "state": list(state),
        "count": count,
        "docs": {
            key: {"source": d.source, "root": d.root, "file_hash": d.file_hash,
                  "n_chunks": d.n_chunks, "count": d.count, "hashes": sorted(d.hashes)}
            for key, d in docs.items()
        },
    }
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not save %s: %s", path, exc)


def discard_manifest(path: Path) -> None:
    """Forget the manifest (before the store is written)."""
    path.unlink(missing_ok=True)
