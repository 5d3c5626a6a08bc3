"""The benchmark harness of issue 6: `python bench/run.py [--quick]` (see bench/run.py)."""
