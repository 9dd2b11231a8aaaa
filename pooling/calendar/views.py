"""Calendar pages: per-resource calendar, planning grid, find a free resource."""

from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
