"""Benchmarks of the template: `./run bench`."""
