"""The JSON API under /api/v1: thin handlers over the same services as the pages."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from pooling.api import auth as _auth  # noqa: E402,F401  (before_request hooks)
from pooling.api import (  # noqa: E402,F401
    bookings,
    closures,
    costing,
    feeds,
    me,
    openapi,
    organisations,
    qualifications,
    quotas,
    resources,
    usage,
    waitlist,
)
