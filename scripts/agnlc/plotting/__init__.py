"""Figures (matplotlib, non-interactive Agg backend, deterministic output)."""
