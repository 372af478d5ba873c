"""Phaseout's shared library: the contract and the plumbing every service stands on.

Nothing agency-specific lives here, and nothing here imports a service.
"""
