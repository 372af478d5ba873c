"""Phaseout's aggregator service."""
