"""Figures the search tests measure, printed at the end of the run (conftest.py)."""
FIGURES: dict[str, str] = {}
