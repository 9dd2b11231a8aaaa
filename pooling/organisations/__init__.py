"""Member organisations of the pole and their solidarity weights."""
