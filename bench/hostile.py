"""Hostile files read with the default limits: the time and peak memory each takes to be read or
refused (issue 18: within 60 s and 1.5 GB each).

    python -m bench.hostile [--out bench/results/hostile.json] [KIND ...]

Each file is read in a process of its own (tests/ingest/hostile.py, under a 1.5 GB address-space
limit): issue 18's files, 2 million saved graphics states, and the slowest PDFs the limits let
through (pages just under DOCQA_MAX_PDF_PAGE_OPS of one costly operation, up to
DOCQA_MAX_PDF_OPS in all), which set how long a PDF may take to read.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import time
from pathlib import Path

from bench.common import write_report
from tests.ingest.hostile import HOSTILE, UNDER_THE_LIMITS, read_apart

KINDS = [*HOSTILE, "saved-states", *UNDER_THE_LIMITS]
LIMIT_S = 300  # a file still reading after this is reported as such


def read_one(kind: str) -> dict[str, object]:
    started = time.perf_counter()
    try:
        run = read_apart(kind, timeout=LIMIT_S)
    except subprocess.TimeoutExpired:
        return {"kind": kind, "seconds": None, "outcome": f"still reading after {LIMIT_S} s"}
    if run.returncode != 0:
        return {"kind": kind, "outcome": "crashed", "stderr": run.stderr[-500:]}
    result = json.loads(run.stdout.splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - started, 2)  # making it too
    result["outcome"] = "refused" if "refused" in result else "read"
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kinds", nargs="*", default=KINDS)
    parser.add_argument("--out", type=Path, default=Path("bench/results/hostile.json"))
    args = parser.parse_args(argv)
    rows = []
    for kind in args.kinds:
        row = read_one(kind)
        rows.append(row)
        refused = str(row.get("refused", ""))[:90]
        print(
            f"{kind:22} {row.get('outcome')!s:8} {row.get('seconds')!s:>7} s "
            f"{row.get('max_rss_mb')!s:>7} MB  {refused}",
            flush=True,
        )
    write_report(
        args.out,
        {"machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "files": rows},
    )


if __name__ == "__main__":
    main()
