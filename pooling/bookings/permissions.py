"""Who may book, see, change, approve and override bookings."""

from __future__ import annotations


def can_book(user, resource) -> bool:
    """Any active person of an organisation (or a coordinator) books an active resource."""
    if not (user and user.is_authenticated and resource.active):
        return False
    return user.is_coordinator or bool(user.memberships)


def can_see_booking(user, booking) -> bool:
    """Every signed-in person sees bookings of shared resources (titles may be hidden)."""
    return bool(user and user.is_authenticated)


def can_see_title(user, booking, public_titles: bool) -> bool:
    """Titles are private to the organisations involved, coordinators and approvers."""
    if public_titles or user.is_coordinator or booking.user_id == user.id:
        return True
    if booking.resource.staff_user_id == user.id:
        return True
    involved = {booking.organisation_id, *(s.organisation_id for s in booking.shares)}
    owner = booking.resource.owner_organisation_id
    return bool(user.organisation_ids() & involved) or (
        owner is not None and owner in user.admin_organisation_ids()
    )


def can_change_booking(user, booking) -> bool:
    """The booker, a referent of the booking's organisation, or a coordinator."""
    if user.is_coordinator or booking.user_id == user.id:
        return True
    return booking.organisation_id in user.admin_organisation_ids()


def can_approve(user, booking) -> bool:
    """A coordinator, or a referent of the organisation that owns (lends) the resource."""
    if user.is_coordinator:
        return True
    owner = booking.resource.owner_organisation_id
    return owner is not None and owner in user.admin_organisation_ids()


def can_override_rules(user) -> bool:
    """Coordinators may book outside the rules (never over capacity); the override is recorded."""
    return bool(user.is_coordinator)


def can_check_in(user, booking) -> bool:
    """Whoever may change the booking, or an approver of its resource, records actual use."""
    return can_change_booking(user, booking) or can_approve(user, booking)


def can_approve_resource(user, resource) -> bool:
    """Whether the person decides bookings of this resource (so their own need no approval)."""
    if user.is_coordinator:
        return True
    owner = resource.owner_organisation_id
    return owner is not None and owner in user.admin_organisation_ids()


def can_decide_share(user, organisation_id: int) -> bool:
    """A referent of the co-organising organisation, or a coordinator, answers for its share."""
    return bool(user.is_coordinator or organisation_id in user.admin_organisation_ids())
