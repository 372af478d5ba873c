"""Phaseout's quality service."""
