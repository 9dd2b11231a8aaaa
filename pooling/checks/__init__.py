"""Checks of the database's invariants, run by ``pooling check``."""
