"""Reading what a person may wait for: the resources a search finds taken."""

from __future__ import annotations

from datetime import datetime

from pooling.accounts.models import User
from pooling.bookings import permissions
from pooling.bookings.availability import Taken, peak
from pooling.bookings.queries import (
    closed_for,
    closures_of,
    held_units,
    lacking_qualifications,
    resource_rules,
)
from pooling.bookings.rules import check
from pooling.core.db import utcnow
from pooling.core.time import pole_tz
from pooling.resources.services import CatalogueFilter, search_resources


def taken_resources(
    actor: User,
    filters: CatalogueFilter,
    start: datetime,
    end: datetime,
    quantity: int = 1,
    *,
    now: datetime | None = None,
) -> list:
    """The resources of a search that keep every rule over ``[start, end)`` but lack free
    units then: the ones worth waiting for, by name. The companion of
    ``bookings.queries.free_resources``, with the same reads."""
    now = now or utcnow()
    tz = pole_tz()
    candidates = [
        r for r in search_resources(actor, filters) if r.active and r.quantity >= quantity
    ]
    if not candidates:
        return []
    held: dict[int, list[Taken]] = {r.id: [] for r in candidates}
    for resource_id, taken in held_units(candidates, start, end):
        held[resource_id].append(taken)
    closures = closures_of([r.id for r in candidates], start, end)
    waiting = []
    for resource in candidates:
        own = closed_for(resource.id, resource.closed_on_public_holidays, closures)
        if check(resource_rules(resource), tz, now, start, end, quantity, own):
            continue
        if any(t.busy for t in held[resource.id] if t.start < end and start < t.end):
            continue
        if peak(held[resource.id], start, end) + quantity > resource.quantity:
            waiting.append(resource)
    if not permissions.can_override_rules(actor):
        # Not worth waiting for what the person could not book: a qualification is missing.
        lacking = lacking_qualifications(actor, waiting, end)
        waiting = [r for r in waiting if r.id not in lacking]
    return sorted(waiting, key=lambda r: r.name.lower())
