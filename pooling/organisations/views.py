"""Pages for managing member organisations and their people."""

from flask import Blueprint, render_template
from flask_login import login_required

from pooling.organisations import services

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.get("/")
@login_required
def index():
    return render_template("organisations/index.html", organisations=services.list_organisations())
