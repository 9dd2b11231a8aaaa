"""Shared resources (premises, equipment, staff), their booking rules and closures."""
