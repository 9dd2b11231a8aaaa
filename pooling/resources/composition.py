"""Composite resources: a resource made of parts (a hall = room A + room B).

Booking a composite holds one unit of each of its parts; a booking of a part blocks the
composite for that time. Both go through every level: a part of a part is a part, a
composite of a composite is a composite. This module says who is related to whom and how
many units of a resource a holding elsewhere takes (``units_held``); the bookings' reads
(``pooling.bookings.occupancy``) count with it, so every reader of "units held" agrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from pooling.core.database import lock_resource_row
from pooling.core.errors import RuleViolation
from pooling.extensions import db
from pooling.resources.models import Resource, resource_parts


@dataclass(frozen=True)
class Composition:
    """The pole's composite resources: each composite's direct parts, by id."""

    direct_parts: dict[int, frozenset[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        composites: dict[int, set[int]] = {}
        for composite_id, parts in self.direct_parts.items():
            for part_id in parts:
                composites.setdefault(part_id, set()).add(composite_id)
        object.__setattr__(self, "_direct_composites", composites)

    def __bool__(self) -> bool:
        return any(self.direct_parts.values())

    @staticmethod
    def _reach(start: int, edges: dict) -> set[int]:
        seen: set[int] = set()
        todo = list(edges.get(start, ()))
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(edges.get(current, ()))
        seen.discard(start)
        return seen

    def parts(self, resource_id: int) -> set[int]:
        """The resource's parts, at every level."""
        return self._reach(resource_id, self.direct_parts)

    def composites(self, resource_id: int) -> set[int]:
        """The composites the resource belongs to, at every level."""
        return self._reach(resource_id, self._direct_composites)  # type: ignore[attr-defined]

    def related(self, resource_id: int) -> set[int]:
        """Its parts and its composites: whose bookings take units of it."""
        return self.parts(resource_id) | self.composites(resource_id)

    def family(self, resource_ids: Iterable[int]) -> set[int]:
        """These resources with everything related to them."""
        found: set[int] = set()
        for resource_id in resource_ids:
            found.add(resource_id)
            found |= self.related(resource_id)
        return found

    def units_held(self, resource_id: int, quantity: int, holder_id: int, units: int) -> int:
        """Units of ``resource_id`` (of ``quantity``) taken by ``units`` held on ``holder_id``.

        Held on the resource itself: those units; on one of its composites: one unit (a hall
        takes one of each of its rooms); on one of its parts: all of them (a room taken
        leaves no hall); on anything else: none.
        """
        if holder_id == resource_id:
            return units
        if holder_id in self.composites(resource_id):
            return 1
        if holder_id in self.parts(resource_id):
            return quantity
        return 0

    def would_cycle(self, composite_id: int, part_ids: Iterable[int]) -> bool:
        """Whether making ``part_ids`` the parts of ``composite_id`` would make it contain
        itself, directly or through other parts."""
        above = self.composites(composite_id) | {composite_id}
        return any(part_id in above for part_id in part_ids)


def composition() -> Composition:
    """The pole's composite resources, read in one query."""
    direct: dict[int, set[int]] = {}
    for composite_id, part_id in db.session.execute(
        select(resource_parts.c.composite_id, resource_parts.c.part_id)
    ):
        direct.setdefault(composite_id, set()).add(part_id)
    return Composition({key: frozenset(value) for key, value in direct.items()})


def checked_parts(resource: Resource | None, part_ids: Iterable[int]) -> list[Resource]:
    """The resources to make the parts of ``resource`` (None: one being created), checked.

    Unknown ids, the resource itself and anything that would make it contain itself through
    other parts are refused. Raises RuleViolation with the message under ``parts``.
    """
    wanted = list(dict.fromkeys(part_ids))
    if not wanted:
        return []
    # Two edits at once could each close half of a loop: the composite, the parts asked for
    # and the composites above are locked (by id) before the loop is looked for.
    if resource is not None:
        for locked_id in sorted({resource.id, *wanted, *composition().composites(resource.id)}):
            lock_resource_row(locked_id)
    found = {r.id: r for r in db.session.scalars(select(Resource).where(Resource.id.in_(wanted)))}
    if len(found) != len(wanted):
        message = _("This resource does not exist.")
        raise RuleViolation(message, code="unknown_part", fields={"parts": [message]})
    if resource is not None and resource.id in found:
        message = _("A resource cannot be one of its own parts.")
        raise RuleViolation(message, code="part_cycle", fields={"parts": [message]})
    if resource is not None and composition().would_cycle(resource.id, wanted):
        message = _("A part cannot contain this resource, directly or through its own parts.")
        raise RuleViolation(message, code="part_cycle", fields={"parts": [message]})
    return [found[i] for i in wanted]


def resource_names(resource_ids: Iterable[int]) -> tuple[str, ...]:
    """The names of these resources, in order (none asked: no query)."""
    ids = list(resource_ids)
    if not ids:
        return ()
    return tuple(
        db.session.scalars(
            select(Resource.name).where(Resource.id.in_(ids)).order_by(Resource.name)
        )
    )


def composites_of(resource: Resource) -> list[Resource]:
    """The composites this resource is directly a part of (a room's hall), by name."""
    return list(
        db.session.scalars(
            select(Resource)
            .join(resource_parts, resource_parts.c.composite_id == Resource.id)
            .where(resource_parts.c.part_id == resource.id)
            .order_by(Resource.name)
        )
    )
