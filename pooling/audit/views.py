"""The audit page for coordinators, with filters and a CSV export."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pooling.audit import reading, services, words
from pooling.core.csv_export import csv_response
from pooling.core.forms import day_arg, text_arg, whole_number_arg
from pooling.core.time import local_day_bounds, to_local

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
            _("When (local time)"),
            _("Who"),
            _("E-mail"),
            _("Action"),
            _("Object"),
            _("What changed"),
            _("Note"),
            _("Action code"),
            _("Object type"),
            _("Id"),
        ],
        (
            [
                to_local(line.event.at).strftime("%Y-%m-%d %H:%M"),
                line.who,
                line.event.actor.email if line.event.actor else "",
                line.action,
                f"{line.kind} — {line.name}",
                " · ".join(_change_text(change) for change in line.changes),
                line.note or "",
                line.event.action,
                line.event.object_type,
                line.event.object_id,
            ]
            for line in reading.read_events(events)
        ),
    )


def _change_text(change: reading.Change) -> str:
    """One recorded field in a cell: "Nom : A → B", or its value alone when it was set."""
    if change.before is not None and change.after is not None:
        return _(
            "%(label)s: %(before)s → %(after)s",
            label=change.label,
            before=change.before,
            after=change.after,
        )
    return _(
        "%(label)s: %(value)s",
        label=change.label,
        value=change.after if change.after is not None else change.before,
    )
