"""Benchmarks: `python -m benchmarks` prints one table and saves it as JSON (see __main__)."""
