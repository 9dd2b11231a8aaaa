""" "My notifications": which booking mails each person receives, and when their reminder comes.

Every kind of booking mail is sent unless its person switched it off; the account mails
(invitation, forgotten password) are always sent, and the in-app inbox keeps every notice.
The reminder comes ``reminder_hours`` before a confirmed booking starts (none when empty).
A qualification about to end is mailed to its holder and their referents
(``mail_qualifications``, see ``pooling.mail.qualification_notices``).
An approver may take the bookings awaiting their approval as one daily digest
(``pending_digest``, see ``pooling.mail.digests``) instead of one mail per request.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The choices of the page: the user's column, its label, and the mail kinds it governs.
GROUPS = (
    ("mail_pending", _l("A booking awaits my approval"), ("booking_pending",)),
    (
        "mail_decisions",
        _l("My booking is approved or refused"),
        ("booking_approved", "booking_rejected", "booking_expired"),
    ),
    (
        "mail_changes",
        _l("A booking is cancelled or moved"),
        ("booking_cancelled", "booking_moved"),
    ),
    (
        "mail_closures",
        _l("My booking is cancelled by a closure"),
        ("booking_cancelled_closure",),
    ),
    (
        "mail_shares",
        _l("A co-organisation is proposed to my organisation"),
        ("share_proposed",),
    ),
    (
        "mail_qualifications",
        _l("A qualification of mine or of my people ends soon"),
        ("qualification_expiring",),
    ),
    (
        "mail_waitlist",
        _l("A slot I am waiting for is offered to me"),
        ("waitlist_offer",),
    ),
)
REMINDER = "booking_reminder"
DIGEST = "booking_pending_digest"
# The reminder delays offered, in hours before the start (None: no reminder).
REMINDER_HOURS = (None, 1, 2, 24, 48)
DEFAULT_REMINDER_HOURS = 24

_COLUMN_OF = {kind: column for column, _label, kinds in GROUPS for kind in kinds}
# The kinds a person may switch off; their mails' List-Unsubscribe points to the page.
CHOSEN_KINDS = frozenset(_COLUMN_OF) | {REMINDER, DIGEST}


def wants_mail(user, kind: str) -> bool:
    """Whether ``user`` receives the mail of ``kind`` (account mails are always sent)."""
    if kind == REMINDER:
        return user.reminder_hours is not None
    if kind == "booking_pending" and user.pending_digest:
        return False  # the daily digest lists it
    if kind == DIGEST:
        return user.mail_pending is not False and bool(user.pending_digest)
    column = _COLUMN_OF.get(kind)
    return column is None or getattr(user, column) is not False


def save(
    user, choices: dict[str, bool], reminder_hours: int | None, pending_digest: bool = False
) -> None:
    """Store the person's own choices (they edit only theirs). Raises ValueError on a bad delay."""
    if reminder_hours not in REMINDER_HOURS:
        raise ValueError(reminder_hours)
    for column, _label, _kinds in GROUPS:
        setattr(user, column, bool(choices.get(column, False)))
    user.reminder_hours = reminder_hours
    user.pending_digest = bool(pending_digest)
