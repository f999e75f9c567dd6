"""The one start-up path of every front end: settings -> index -> state -> answering service.

`open_runtime(settings)` opens the index (as its single writer when asked), ingests the sources
when the index is empty, opens the SQLite state and builds the `Answerer`. `citebot ask`, `chat`,
`brief`, `eval` and `serve` all start here; nothing else reaches into the index to set it up.
Heavy libraries (Chroma, the encoder, llama-index) are imported inside, not at module import.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.chat_store import ChatStore
from bot.legacy import import_legacy
from bot.settings import Settings
from bot.state import ConversationStore, StateDB

if TYPE_CHECKING:
    from bot.service import Answerer
    from index.search_index import SearchIndex
    from index.types import IngestReport

log = logging.getLogger(__name__)
Notice = Callable[[str, dict[str, object]], None]  # (message key, fields): shown to the user
ProgressFactory = Callable[[int], Callable[[str, int], None]]  # total files -> callback


@dataclass
class Runtime:
    """The opened index, the state database and the answering service, closed together."""

    settings: Settings
    index: SearchIndex
    answerer: Answerer
    state: StateDB
    chats: ChatStore
    writer: bool = False
    ingest_report: IngestReport | None = None
    ingest_s: float | None = None
    _closed: bool = field(default=False, repr=False)

    def ingest(self, paths: list | None = None, progress: ProgressFactory | None = None,
               rebuild: bool = False) -> IngestReport:
        """Index `paths` (default: the sources and everything indexed before) as the writer;
        `rebuild` drops the index first (`SearchIndex.rebuild`)."""
        from index.ingest import count_bytes

        index = self.index
        held = index.lock.held
        if not held:
            index.lock.acquire()  # a busy index is refused before any progress bar is drawn
        try:
            callback = None
            if progress is not None:
                callback = progress(count_bytes(paths or index.default_roots(), index.sources_dir))
            run = index.rebuild if rebuild else index.ingest
            return run(paths, progress=callback)
        finally:
            if not held:
                index.lock.release()

    def close(self) -> None:
        """Release the writer lock (if held) and close the state database."""
        if self._closed:
            return
        self._closed = True
        if self.writer and self.index.lock.held:
            self.index.lock.release()
        self.state.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_runtime(
    settings: Settings,
    *,
    writer: bool = False,
    ingest_when_empty: bool = True,
    check_question: str | None = None,
    notice: Notice | None = None,
    progress: ProgressFactory | None = None,
    rebuild: bool = False,
) -> Runtime:
    """Open everything a front end needs.

    `writer` takes the index's writer lock for the runtime's lifetime (the bot). A
    `check_question` is validated before any indexing, so a bad one fails at once. `notice`
    receives user-facing messages (by catalogue key), `progress` draws the indexing progress.
    `rebuild` opens an index built by another encoder, to rebuild it (`citebot ingest --rebuild`).
    """
    from bot.service import Answerer
    from index.search_index import SearchIndex

    index = SearchIndex.from_settings(settings, as_writer=writer, rebuild=rebuild)
    try:
        if index.rebuilt_from and notice:
            notice("cli_index_rebuilt", {"path": str(index.rebuilt_from)})
        state = StateDB.in_data_dir(settings.data_dir)
        memory = ConversationStore(
            state, max_turns=settings.memory_turns, expire_days=settings.conversation_expire_days
        )
        chats = ChatStore(state)
        for count, path in import_legacy(settings.data_dir, memory, chats):
            if notice:
                notice("legacy_imported", {"count": count, "path": str(path)})
        answerer = Answerer.from_settings(settings, library=index, memory=memory)
        runtime = Runtime(settings, index, answerer, state, chats, writer=writer)
        if check_question is not None:
            answerer.clean_question(check_question)
        if ingest_when_empty and (index.is_empty() or index.rebuilt_from):
            if notice:
                notice("cli_index_empty", {})
            log.info("the index is empty; ingesting %s", settings.sources_dir)
            started = time.perf_counter()
            runtime.ingest_report = runtime.ingest(None, progress)
            runtime.ingest_s = time.perf_counter() - started
        return runtime
    except BaseException:
        if writer and index.lock.held:
            index.lock.release()
        raise
