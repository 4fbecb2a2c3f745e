"""Benchmarks, run by `make bench` (`python -m bench [NAME...]`).

Add a module `bench/bench_<name>.py` with a `main()` that runs its measurements and prints
its figures; return a non-zero int (or raise) to report a failure. Modules run in name order.
"""
