"""Benchmarks (ARCHITECTURE: benchmarks are not tests). Run with `make bench`."""
