"""Phaseout's energy service."""
