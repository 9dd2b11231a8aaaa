"""The resource catalogue pages."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from pooling.resources import services

bp = Blueprint("resources", __name__, url_prefix="/resources")


@bp.get("/")
@login_required
def index():
    filters = services.CatalogueFilter(
        kind=request.args.get("kind") or None, q=request.args.get("q")
    )
    return render_template(
        "resources/index.html", resources=services.search_resources(current_user, filters)
    )
