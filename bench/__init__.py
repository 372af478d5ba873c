"""Phaseout's benchmarks: `python -m bench` (see docs/benchmarks.md).

Each benchmark prints its figures beside a baseline measured in the same run on the same
machine, so that the ratio, not the absolute figure, is what one compares across machines.
The benchmarks start their own stack (the `bench` profile: its own ports and state folder,
wiped at each run) and stop it at the end. They are never run by `pytest`.
"""
