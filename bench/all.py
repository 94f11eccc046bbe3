"""`make bench`: every quick benchmark, one after the other (retrieval: `make bench-retrieval`)."""

from bench import seed, ui_concurrency, ui_startup

if __name__ == "__main__":
    seed.main()
    ui_startup.main()
    ui_concurrency.main()
