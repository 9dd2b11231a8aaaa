"""Bookings, recurring series and their occurrences, quotas, approval and check-in/out."""
