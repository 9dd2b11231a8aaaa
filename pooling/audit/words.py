"""The audit trail's object kinds and actions as words of the pole, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Table name -> object kind, where dropping the final "s" would not give the singular.
IRREGULAR_KINDS = {"series": "series", "usage_settings": "usage_setting"}

OBJECT_KINDS = {
    "booking": _l("booking"),
    "series": _l("recurring booking (series)"),
    "booking_share": _l("co-organisation share"),
    "resource": _l("shared resource"),
    "closure": _l("closure"),
    "quota": _l("quota"),
    "organisation": _l("member organisation"),
    "user": _l("person"),
    "membership": _l("membership"),
    "invitation": _l("invitation"),
    "api_token": _l("API token"),
    "feed": _l("calendar feed"),
    "external_calendar": _l("external calendar"),
    "cost_period": _l("cost period"),
    "cost": _l("cost"),
    "accounting_code": _l("accounting code"),
    "manual_usage_line": _l("manual usage line"),
    "usage_setting": _l("usage settings"),
    "in_kind_rate": _l("in-kind contribution rate"),
    "qualification": _l("qualification"),
    "waitlist_entry": _l("waitlist entry"),
}

ACTIONS = {
    "booking.create": _l("booking made"),
    "booking.update": _l("booking changed"),
    "booking.override": _l("booking made or changed over a rule (coordinator)"),
    "booking.cancel": _l("booking cancelled"),
    "booking.approve": _l("booking approved"),
    "booking.reject": _l("booking refused"),
    "booking.check_in": _l("check-in"),
    "booking.check_out": _l("check-out"),
    "series.cancel": _l("recurring booking cancelled"),
    "closure.create": _l("closure added"),
    "closure.delete": _l("closure removed"),
    "qualification.create": _l("qualification defined"),
    "qualification.holder_set": _l("qualification holder recorded"),
    "qualification.holder_remove": _l("qualification holder removed"),
    "quota.create": _l("quota set"),
    "quota.delete": _l("quota removed"),
    "resource.create": _l("resource created"),
    "resource.update": _l("resource changed"),
    "organisation.create": _l("organisation created"),
    "organisation.update": _l("organisation changed"),
    "user.create": _l("person added"),
    "user.invite": _l("invitation link given"),
    "user.password": _l("password set"),
    "user.password_reset_link": _l("password reset link given"),
    "user.password_forgotten": _l("forgotten password link mailed"),
    "mail.resend": _l("mail sent again"),
    "user.activate": _l("account reactivated"),
    "user.deactivate": _l("account deactivated"),
    "membership.create": _l("membership added"),
    "membership.delete": _l("membership removed"),
    "membership.propose": _l("membership proposed"),
    "membership.accept": _l("membership proposal accepted"),
    "membership.role": _l("role changed"),
    "token.create": _l("API token created"),
    "token.revoke": _l("API token revoked"),
    "feed.create": _l("calendar feed created"),
    "feed.revoke": _l("calendar feed revoked"),
    "external_calendar.attach": _l("external calendar linked"),
    "external_calendar.update": _l("external calendar changed"),
    "external_calendar.remove": _l("external calendar unlinked"),
    "cost_period.create": _l("cost period created"),
    "cost_period.close": _l("cost period closed"),
    "cost_period.reopen": _l("cost period reopened"),
    "cost.create": _l("cost added"),
    "accounting_code.set": _l("accounting code set"),
    "usage.manual": _l("usage entered by hand"),
    "usage.notice": _l("late-cancellation notice changed"),
    "dashboard.in_kind_rate": _l("in-kind contribution rate set"),
}


def object_kind(table_name: str) -> str:
    """The kind recorded for a row of ``table_name``: its singular ("series" stays "series")."""
    return IRREGULAR_KINDS.get(table_name, table_name.removesuffix("s"))


def object_label(kind: str) -> str:
    """The kind of object in words (an unknown kind reads as itself, without underscores)."""
    label = OBJECT_KINDS.get(kind)
    return str(label) if label is not None else kind.replace("_", " ")


def action_label(action: str) -> str:
    """The recorded act in words (an unknown act reads as its code, without underscores)."""
    label = ACTIONS.get(action)
    return str(label) if label is not None else action.replace("_", " ").replace(".", " ")
