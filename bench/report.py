"""The README's Speed tables, as Markdown, from the benches' JSON results.

python -m bench.report [--results bench/results]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path


def _load(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def scale_table(scale: dict) -> str:
    head = (
        "| paragraphs | Chroma | system | retrieve p50 / p95 | answer p50 / p95 | "
        "total p50 / p95 | recall@5 | BM25 ready |\n|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in scale["rows"]:
        answer = (
            f"{r['answer_p50_ms']:.0f} / {r['answer_p95_ms']:.0f}" if "answer_p50_ms" in r else "—"
        )
        total = f"{r['total_p50_ms']:.0f} / {r['total_p95_ms']:.0f}" if "total_p50_ms" in r else "—"
        bm25 = f"{r['keyword_build_ms'] / 1000:.1f} s" if "keyword_build_ms" in r else "—"
        lines.append(
            f"| {r['paragraphs']:,} | {r['backend']} | {r['system']} | "
            f"{r['retrieve_p50_ms']:.0f} / {r['retrieve_p95_ms']:.0f} | {answer} | {total} | "
            f"{r['recall_at_5']:.2f} | {bm25} |"
        )
    return "\n".join(lines)


def ingest_table(ingest: dict) -> str:
    lines = [
        "| embedders | paragraphs | pipeline ¶/s | raw embedders ¶/s | ratio | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for c in ingest["configurations"]:
        lines.append(
            f"| {c['embedders']} | {c['paragraphs']} | {c['pipeline_per_s']} | {c['raw_per_s']} "
            f"| {c['ratio']:.2f} | {c['peak_rss_mb']:.0f} MB |"
        )
    return "\n".join(lines)


def serve_table(serve: dict) -> str:
    lines = [
        "| collection | HTTP up | first answer | RSS after 1st answer | RSS after 100 | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for size, f in serve["sizes"].items():
        after = next(v for k, v in f.items() if k.startswith("rss_after_") and "questions" in k)
        name = "seed corpus" if size == "seed" else f"{int(size):,} ¶"
        first_mb, peak_mb = f["rss_after_first_answer_mb"], f["peak_rss_mb"]
        lines.append(
            f"| {name} | {f['http_s']} s | {f['first_answer_s']} s | {first_mb:.0f} MB | "
            f"{after:.0f} MB | {peak_mb:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=Path, default=Path("bench/results"))
    args = parser.parse_args(argv)
    parts = []
    for name, render in (
        ("ingest.json", ingest_table),
        ("scale.json", scale_table),
        ("serve_memory.json", serve_table),
    ):
        found = _load(args.results / name)
        if found:
            parts.append(render(found))
    text = "\n\n".join(parts)
    print(text)
    return text


if __name__ == "__main__":
    main()
