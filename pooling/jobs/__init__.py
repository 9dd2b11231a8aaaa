"""Periodic work run by ``pooling jobs run`` (one cron line, every minute)."""
