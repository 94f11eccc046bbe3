"""`make bench`: every benchmark, one after the other."""

from bench import seed

if __name__ == "__main__":
    seed.main()
