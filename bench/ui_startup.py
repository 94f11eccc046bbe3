"""Time from starting `docqa serve` to a page ready to ask in (Debian's headless Chromium).

    python -m bench.ui_startup [--repeats 3] [--out F.json]

Ready means the question box is on screen, ready to type in. Chromium is
started first and not counted (it is the user's browser). Two cases: a store that already
holds the seed corpus (the usual start), and an empty store, where `serve` ingests it first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.ui_serve import answers_http, docqa_serve, ingest_seed  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
READY = "#dq-question textarea"
TIMEOUT_S = 180


def time_to_ready(browser, store: Path) -> dict[str, float]:
    """Seconds from spawning `docqa serve` to the first HTTP answer and to a ready page."""
    page = browser.new_page()
    try:
        started = time.perf_counter()
        with docqa_serve(store) as (url, server):
            deadline = started + TIMEOUT_S
            while not answers_http(url):
                if server.poll() is not None or time.perf_counter() > deadline:
                    raise RuntimeError(f"docqa serve did not come up on {url}")
                time.sleep(0.02)
            http_s = time.perf_counter() - started
            page.goto(url, wait_until="load")
            page.locator(READY).wait_for(state="visible", timeout=TIMEOUT_S * 1000)
            ready_s = time.perf_counter() - started
    finally:
        page.close()
    return {"http_s": round(http_s, 2), "page_ready_s": round(ready_s, 2)}


def run(repeats: int) -> dict[str, object]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with tempfile.TemporaryDirectory() as seeded:
                ingest_seed(Path(seeded))
                warm = [time_to_ready(browser, Path(seeded)) for _ in range(repeats)]
            with tempfile.TemporaryDirectory() as empty:
                cold = time_to_ready(browser, Path(empty))
        finally:
            browser.close()
    ready = [run["page_ready_s"] for run in warm]
    return {
        "load_average_1min": round(os.getloadavg()[0], 2),
        "seeded_store_runs": warm,
        "seeded_store_page_ready_median_s": round(statistics.median(ready), 2),
        "seeded_store_page_ready_max_s": max(ready),
        "empty_store_with_seed_ingest": cold,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.repeats) | {"machine": f"{platform.machine()}, {platform.python_version()}"}
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
