"""The phaseout command."""
