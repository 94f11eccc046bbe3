"""bench/hostile.py on one cheap file: it reports the outcome, time and peak memory."""

from __future__ import annotations

import json
from pathlib import Path

from bench import hostile


def test_the_hostile_bench_reports_each_file_it_reads(tmp_path: Path) -> None:
    out = tmp_path / "hostile.json"

    hostile.main(["tag-bomb", "--out", str(out)])

    (row,) = json.loads(out.read_text())["files"]
    assert row["kind"] == "tag-bomb" and row["outcome"] == "refused"
    assert "DOCQA_MAX_HTML_TAGS" in row["refused"]
    assert 0 <= row["seconds"] < row["process_seconds"]
    assert 0 < row["max_rss_mb"] < 1_500
