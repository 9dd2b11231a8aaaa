"""Coordinator dashboards and the activity report: aggregate queries, pages and exports."""
