"""Benchmarks that write docs/benchmarks.md."""
