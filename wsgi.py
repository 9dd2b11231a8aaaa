"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``.

Production unless ``POOLING_ENV`` says otherwise: without ``SECRET_KEY``, ``DATABASE_URL``
and ``REDIS_URL`` the server refuses to start and names what is missing.
"""

import os
import sys

from config import ConfigurationError, config_for
from pooling import create_app

try:
    app = create_app(config_for(os.environ.get("POOLING_ENV"), default="production"))
except ConfigurationError as error:
    sys.exit(str(error))
