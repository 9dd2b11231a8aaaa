"""Measured usage of the shared resources: bookings, check-in/out, late cancellations, manual lines."""
