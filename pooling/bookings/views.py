"""Booking pages: the booking form, my bookings, the approval queue."""

from flask import Blueprint

bp = Blueprint("bookings", __name__, url_prefix="/bookings")
