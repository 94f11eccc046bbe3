"""`make bench`: every benchmark, one after the other, results under bench/results/ and the plots
under docs/ (retrieval quality alone: `make bench-retrieval`).

The first run builds the 10k and 100k collections under .bench-data/ (about 15 min on 2 cores);
later runs reuse them.
"""

from pathlib import Path

from bench import (
    abstention,
    hostile,
    ingest_rate,
    models,
    plots,
    reader_candidates,
    scale,
    seed,
    serve_memory,
    ui_concurrency,
    ui_startup,
)

RESULTS = Path("bench/results")

if __name__ == "__main__":
    seed.main()
    models.main(["--out", str(RESULTS / "models.json")])
    abstention.main(["--out", str(RESULTS / "abstention.json")])
    reader_candidates.main(["--out", str(RESULTS / "reader-candidates.json")])
    ui_startup.main()
    hostile.main(["--out", str(RESULTS / "hostile.json")])
    ui_concurrency.main()
    ingest_rate.main(["--out", str(RESULTS / "ingest.json")])
    scale.main(["--out", str(RESULTS / "scale.json")])
    serve_memory.main(["--out", str(RESULTS / "serve_memory.json")])
    plots.main([])
