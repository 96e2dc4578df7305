"""The benchmark: `python bench/run.py` (or `make bench`) writes bench/results.json and results.md."""
