"""Phaseout's environment service."""
