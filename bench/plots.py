"""PNG charts of the scale and ingest benches' results, for README.

python -m bench.plots [--scale bench/results/scale.json] [--ingest bench/results/ingest.json]
                      [--out-dir docs]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on the bench machines

import matplotlib.pyplot as plt  # noqa: E402

LATENCY_PNG = "bench-latency-vs-size.png"
INGEST_PNG = "bench-ingest-throughput.png"


def latency_chart(scale: dict, out: Path) -> None:
    """p50 latency against paragraphs: docqa's retrieve step and whole answer, and the plain
    llama-index retriever (p95s are in the README's table; here they would hide the trend)."""
    figure, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for axis, backend in zip(axes, ("embedded", "server"), strict=True):
        rows = [r for r in scale["rows"] if r["backend"] == backend]
        for system in dict.fromkeys(r["system"] for r in rows):
            mine = sorted((r for r in rows if r["system"] == system), key=lambda r: r["paragraphs"])
            sizes = [r["paragraphs"] for r in mine]
            metrics = ("retrieve", "total") if system.startswith("docqa") else ("retrieve",)
            for metric, style in zip(metrics, ("-", ":"), strict=False):
                axis.plot(
                    sizes,
                    [r[f"{metric}_p50_ms"] for r in mine],
                    marker="o",
                    ls=style,
                    label=f"{system} {metric}",
                )
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(f"{backend} Chroma")
        axis.set_xlabel("paragraphs in the collection")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("ms per question, p50")
    axes[1].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)


def ingest_chart(ingest: dict, out: Path) -> None:
    """Paragraphs per second, whole pipeline next to the raw embedders, per configuration."""
    configs = ingest["configurations"]
    names = [c["embedders"] for c in configs]
    positions = range(len(configs))
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.bar([p - 0.2 for p in positions], [c["raw_per_s"] for c in configs], 0.4, label="raw")
    axis.bar(
        [p + 0.2 for p in positions], [c["pipeline_per_s"] for c in configs], 0.4, label="pipeline"
    )
    for p, config in zip(positions, configs, strict=True):  # the figure that matters, on top
        top = max(config["raw_per_s"], config["pipeline_per_s"])
        axis.annotate(
            f"ratio {config['ratio']:.2f}",
            (p, top),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
        )
    axis.set_ylim(0, max(c["raw_per_s"] for c in configs) * 1.15)
    axis.set_xticks(list(positions), names)
    axis.set_ylabel("paragraphs / s")
    axis.set_title("ingest throughput: docqa pipeline vs raw embedders")
    axis.legend()
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)


def main(argv: Sequence[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=Path, default=Path("bench/results/scale.json"))
    parser.add_argument("--ingest", type=Path, default=Path("bench/results/ingest.json"))
    parser.add_argument("--out-dir", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if args.scale.exists():
        latency_chart(
            json.loads(args.scale.read_text(encoding="utf-8")), args.out_dir / LATENCY_PNG
        )
        written.append(args.out_dir / LATENCY_PNG)
    if args.ingest.exists():
        ingest_chart(json.loads(args.ingest.read_text(encoding="utf-8")), args.out_dir / INGEST_PNG)
        written.append(args.out_dir / INGEST_PNG)
    return written


if __name__ == "__main__":
    main()
