"""Phaseout's technology service."""
