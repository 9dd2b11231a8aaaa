"""The audit page for coordinators, with filters and a CSV export."""

from __future__ import annotations

import json

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.audit import reading, services, words
from pooling.core.csv_export import csv_response
from pooling.core.forms import day_arg, text_arg, whole_number_arg
from pooling.core.time import local_day_bounds

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50


def _filters() -> services.AuditFilter:
    start_day, end_day = day_arg("from"), day_arg("to")
    return services.AuditFilter(
        action=text_arg("action"),
        object_type=text_arg("object_type"),
        object_id=whole_number_arg("object_id"),
        actor_id=whole_number_arg("actor_id"),
        start=local_day_bounds(start_day)[0] if start_day else None,
        end=local_day_bounds(end_day)[1] if end_day else None,
    )


@bp.get("/")
@login_required
def index():
    if not services.can_read_audit(current_user):
        abort(403)
    page = whole_number_arg("page") or 1
    found = services.search_events(
        current_user, _filters(), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "audit/index.html",
        lines=reading.read_events(found[:PAGE_SIZE]),
        page=page,
        newer_url=url_for("audit.index", **args, page=page - 1) if page > 1 else None,
        older_url=url_for("audit.index", **args, page=page + 1) if len(found) > PAGE_SIZE else None,
        actions=services.action_names(),
        object_kinds=list(words.OBJECT_KINDS),
        action_label=words.action_label,
        object_label=words.object_label,
        args=args,
    )


@bp.get("/export.csv")
@login_required
def export():
    if not services.can_read_audit(current_user):
        abort(403)
    events = services.search_events(current_user, _filters(), limit=100000)
    return csv_response(
        "audit.csv",
        [
            _("When (UTC)"),
            _("Who"),
            _("Action"),
            _("Action code"),
            _("Object"),
            _("Id"),
            _("Before"),
            _("After"),
            _("Note"),
        ],
        (
            [
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor.email if e.actor else _("system"),
                words.action_label(e.action),
                e.action,
                words.object_label(e.object_type),
                e.object_id,
                json.dumps(e.before, ensure_ascii=False) if e.before else "",
                json.dumps(e.after, ensure_ascii=False) if e.after else "",
                e.note or "",
            ]
            for e in events
        ),
    )
