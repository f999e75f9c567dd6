"""Plain-text rendering for the CLI: answers (from the presentation model), reports and stats."""

from __future__ import annotations

import textwrap

from bot.i18n import t
from bot.presentation import AnswerView, present, present_sources
from bot.types import Answer
from index.types import DocumentEntry, IndexStats, IngestReport


def _quote(text: str, width: int = 96) -> str:
    return textwrap.indent(textwrap.fill(f"“{text}”", width=width), "    ")


def render_view(view: AnswerView) -> str:
    """A presented answer as plain text: paragraphs, note, then the source list."""
    lines: list[str] = []
    for paragraph in view.paragraphs:
        lines += [paragraph, ""]
    if view.note:
        lines += [f"({view.note})", ""]
    if view.sources_title:
        lines.append(f"{view.sources_title}:")
        for item in view.sources:
            lines.append(f"- {item.heading}" if view.closest else item.heading)
            lines.append(_quote(item.quote))
    return "\n".join(lines).rstrip()


def render_answer(answer: Answer, lang: str = "en") -> str:
    """The answer, then a numbered source list with quotes (or the closest passages)."""
    return render_view(present(answer, lang))


def render_sources(answer: Answer | None, lang: str = "en") -> str:
    """The full quotes behind an answer (`/sources` in `citebot chat`)."""
    return render_view(present_sources(answer, lang))


def render_report(report: IngestReport) -> str:
    """The ingest summary."""
    lines = [
        f"Indexed in {report.seconds:.1f} s: {len(report.added)} added, "
        f"{len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped; "
        f"{report.chunks_written} chunks written, {report.chunks_total} in the index."
    ]
    if report.rebuilt:
        lines.append("The index was rebuilt from the sources after a failed health check.")
    for name, reason in report.skipped:
        lines.append(f"  skipped {name}: {reason}")
    return "\n".join(lines)


def render_stats(stats: IndexStats) -> str:
    """`citebot stats` output."""
    return "\n".join(
        [
            f"Documents:       {stats.documents}",
            f"Chunks:          {stats.chunks}",
            f"Index location:  {stats.location}",
            f"Embedding model: {stats.embedding_model}",
        ]
    )


def render_documents(entries: list[DocumentEntry], skipped: list[tuple[str, str]]) -> str:
    """`citebot sources` output: every indexed document, then what was skipped and why."""
    import time

    if not entries and not skipped:
        return "Nothing is indexed yet: `citebot ingest PATH` indexes a folder or a file."
    lines = [f"{len(entries)} documents, {sum(e.passages for e in entries)} passages:"]
    for e in entries:
        stamp = time.localtime(e.indexed_at)
        when = time.strftime("%Y-%m-%d %H:%M", stamp) if e.indexed_at else "-"
        note = "" if e.complete else "  (incomplete: the next ingest finishes it)"
        lines.append(f"  {e.path}  [{e.format}, {e.passages} passages, indexed {when}]{note}")
    if skipped:
        lines.append(f"Skipped ({len(skipped)}):")
        lines += [f"  {path}: {reason}" for path, reason in skipped]
    return "\n".join(lines)


__all__ = ["render_answer", "render_documents", "render_report", "render_sources", "render_stats",
           "render_view", "t"]
