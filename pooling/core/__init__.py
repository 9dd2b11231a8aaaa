"""Shared plumbing: database base model, domain errors, time zone helpers, pagination."""
