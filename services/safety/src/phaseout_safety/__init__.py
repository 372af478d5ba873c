"""Phaseout's safety service."""
