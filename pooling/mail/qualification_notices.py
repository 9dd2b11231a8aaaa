"""Ending qualifications: ``pooling jobs run`` tells a holder, and the referents of their
organisations, that a qualification ends within ``POOLING_QUALIFICATION_NOTICE_DAYS`` days.

Each holding is told once per end date (``expiry_notice_for`` keeps the ``valid_until`` told):
a renewal to a later date gets a notice of its own when that date comes near. A holding
recorded already within the delay is told at the next run; one already ended, one without end
and one of a deactivated person are not. The notice goes to the inbox of each, and by mail to
those who keep the mail on ("My notifications"). Each holding is claimed under its row's lock
in its own transaction, after a fresh read, so two runs at once tell it once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from pooling.accounts.models import Membership, User
from pooling.core.database import lock_row
from pooling.core.urls import external_url
from pooling.extensions import db
from pooling.mail.outbox import queue
from pooling.mail.preferences import wants_mail
from pooling.notifications.services import notify
from pooling.qualifications.models import QualificationHolder
from pooling.qualifications.services import pole_today

KIND = "qualification_expiring"
# The inbox's notice to a referent, about one of their people.
PERSON_KIND = "qualification_expiring_person"


def notice_days() -> int:
    """How many days before its end a qualification is told (``POOLING_QUALIFICATION_NOTICE_DAYS``)."""
    return int(current_app.config.get("POOLING_QUALIFICATION_NOTICE_DAYS", 30))


def _due(today: date):
    """The condition of a holding whose notice is due on ``today``."""
    return (
        QualificationHolder.valid_until.is_not(None),
        QualificationHolder.valid_until >= today,
        QualificationHolder.valid_until <= today + timedelta(days=notice_days()),
        or_(
            QualificationHolder.expiry_notice_for.is_(None),
            QualificationHolder.expiry_notice_for != QualificationHolder.valid_until,
        ),
    )


def due_holdings(now: datetime) -> list[int]:
    """The ids of the holdings of active people whose ending notice is due at ``now``."""
    query = (
        select(QualificationHolder.id)
        .join(User, User.id == QualificationHolder.user_id)
        .where(User.active.is_(True), *_due(pole_today(now)))
        .order_by(QualificationHolder.valid_until, QualificationHolder.id)
    )
    return list(db.session.scalars(query))


def referents_of(person: User) -> list[User]:
    """The active referents of the person's organisations, the person aside, by id."""
    organisation_ids = person.organisation_ids()
    if not organisation_ids:
        return []
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id.in_(organisation_ids),
            Membership.role == "org_admin",
            User.active.is_(True),
            User.id != person.id,
        )
        .distinct()
        .order_by(User.id)
    )
    return list(db.session.scalars(query))


def tell_holding(holding_id: int, now: datetime) -> bool:
    """Claim one holding's notice under its row's lock, then tell its holder and their
    referents (inbox and mail). False when it is no longer due (another run told it, it was
    renewed far ahead or removed). The caller commits."""
    lock_row("qualification_holders", holding_id)
    holding = db.session.scalar(
        select(QualificationHolder)
        .where(QualificationHolder.id == holding_id, *_due(pole_today(now)))
        .execution_options(populate_existing=True)
    )
    if holding is None or not holding.user.active:
        return False
    holding.expiry_notice_for = holding.valid_until
    person = holding.user
    params = {
        "qualification": holding.qualification.name,
        "until": holding.valid_until.isoformat(),
    }
    notify([person.id], KIND, **params)
    referents = referents_of(person)
    notify([r.id for r in referents], PERSON_KIND, person=person.name, **params)
    _mail(person, holding, None)
    for referent in referents:
        _mail(referent, holding, person)
    db.session.flush()
    return True


def _mail(recipient: User, holding: QualificationHolder, person: User | None) -> None:
    """Queue the notice's mail to ``recipient`` (about ``person``'s holding, or their own)."""
    if not recipient.email or not wants_mail(recipient, KIND):
        return
    language = recipient.locale
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    queue(
        KIND,
        user=recipient,
        language=language,
        qualification=holding.qualification.name,
        until=holding.valid_until,
        person=person.name if person is not None else None,
        link=external_url("qualifications.index"),
    )
