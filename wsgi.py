"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from pooling import create_app

app = create_app()
