"""Plain-text rendering of answers, reports and stats for the CLI."""

from __future__ import annotations

import textwrap

from bot.types import Answer
from index.types import DocumentEntry, IndexStats, IngestReport


def _quote(text: str, width: int = 96) -> str:
    return textwrap.indent(textwrap.fill(f"“{text}”", width=width), "    ")


def render_answer(answer: Answer) -> str:
    """The answer, then a numbered source list with quotes (or the closest passages)."""
    lines = [answer.text]
    if answer.note:
        lines += ["", f"({answer.note})"]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.passage.source}, {c.passage.locator}")
            lines.append(_quote(c.quote))
    elif answer.refused and answer.closest:
        lines += ["", "Closest I found (not an answer):"]
        for p in answer.closest:
            snippet = p.text if len(p.text) <= 200 else p.text[:200].rsplit(" ", 1)[0] + "…"
            lines.append(f"- {p.source}, {p.locator}")
            lines.append(_quote(snippet))
    return "\n".join(lines)


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


def render_sources(entries: list[DocumentEntry], skipped: list[tuple[str, str]]) -> str:
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
