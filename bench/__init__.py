"""Tidui's benchmarks: `python -m bench [--quick] [--only NAME]` measures every speed target (bench/README.md)."""
