"""Performance harness: generated packs, tmux first-screen timings, search and open latency.

Run it from the repository root with `python -m tests.perf` (see bench.py).
"""
