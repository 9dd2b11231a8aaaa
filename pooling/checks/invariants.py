"""The rules the services keep, verified on the stored rows; each check returns its violations."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import groupby
from operator import attrgetter

from sqlalchemy import func, or_, select

from pooling.bookings.models import HOLDING, Booking, BookingShare, Series
from pooling.bookings.occupancy import holding_bookings, spread
from pooling.calendar.models import ExternalBusyTime, ExternalCalendar
from pooling.costing.document import PeriodAllocation
from pooling.costing.models import Cost, CostPeriod
from pooling.costing.rounding import CostingError, format_cents, to_cents
from pooling.dashboards.rollup_sync import differences as rollup_differences
from pooling.extensions import db
from pooling.organisations.models import Organisation
from pooling.resources.composition import composition
from pooling.resources.models import Resource

# The booking service accepts shares whose sum is this close to 1 (``clean_shares``), so
# that three thirds stored with six decimals (0.999999) are a valid co-organisation.
SHARE_TOLERANCE = Decimal("0.0001")

_ROWS_PER_FETCH = 2000


@dataclass(frozen=True)
class Violation:
    """One broken invariant: a stable code, and a message naming the rows and the numbers."""

    code: str
    message: str


def _instant(value: datetime) -> str:
    """An instant as UTC text, to the minute unless it has seconds."""
    value = value.astimezone(UTC)
    spec = "minutes" if not (value.second or value.microsecond) else "seconds"
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec=spec) + " UTC"


def _minutes_up(duration: timedelta) -> int:
    """Whole minutes of ``duration``, rounded up (150 min 1 s -> 151)."""
    whole, rest = divmod(duration, timedelta(minutes=1))
    return whole + (1 if rest else 0)


def _resource_label(resource_id: int, name: str) -> str:
    return f'Resource {resource_id} "{name}"'


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in sorted(ids))


# ---------------------------------------------------------------- capacity


@dataclass
class Overload:
    """A stretch of time when bookings hold more units of a resource than it has."""

    start: datetime
    end: datetime
    peak: int
    booking_ids: set[int] = field(default_factory=set)


def overloads(quantity: int, bookings: Iterable) -> list[Overload]:
    """The maximal stretches when the held units exceed ``quantity`` (a sweep, pure).

    ``bookings`` have ``id``, ``start_at``, ``end_at`` and ``quantity`` and come in order of
    ``start_at``; intervals are half-open, so a booking ending at 10:00 and one starting at
    10:00 never add up.
    """
    active: list[tuple[datetime, int, int]] = []  # (end, booking id, quantity), a min-heap
    load = 0
    current: Overload | None = None
    found: list[Overload] = []

    def release(until: datetime | None) -> None:
        nonlocal load, current
        while active and (until is None or active[0][0] <= until):
            end, _booking_id, units = heapq.heappop(active)
            load -= units
            if current is not None and load <= quantity:
                current.end = end
                found.append(current)
                current = None

    for booking in bookings:
        release(booking.start_at)
        heapq.heappush(active, (booking.end_at, booking.id, booking.quantity))
        load += booking.quantity
        if load > quantity:
            if current is None and found and found[-1].end == booking.start_at:
                # Back over the quantity at the very instant it came down: one stretch.
                current = found.pop()
            if current is None:
                current = Overload(booking.start_at, booking.end_at, load)
            current.peak = max(current.peak, load)
            current.booking_ids.update(entry[1] for entry in active)
    release(None)
    return found


def over_capacity() -> list[Violation]:
    """Resources whose holding bookings exceed their quantity at some instant.

    Reads the holding bookings once, ordered by resource and start, and sweeps each
    resource's timeline; a booking checked out early holds its units until the check-out, a
    booking of a composite or of a part counts for its family as the booking engine counts
    it (``pooling.bookings.occupancy``).
    """
    resources = {
        row.id: row
        for row in db.session.execute(select(Resource.id, Resource.name, Resource.quantity))
    }
    # Held until an early check-out, as the booking engine counts them.
    rows = db.session.execute(
        holding_bookings()
        .order_by(Booking.resource_id, Booking.start_at, Booking.id)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    pole = composition()
    if pole:
        # A hall's booking holds a unit of each room, a room's booking all of the hall: each
        # booking counts for its family too (``occupancy.spread``), re-sorted per resource.
        quantities = {resource_id: row.quantity for resource_id, row in resources.items()}
        rows = sorted(
            spread(rows, quantities, pole), key=attrgetter("resource_id", "start_at", "id")
        )
    violations = []
    for resource_id, bookings in groupby(rows, key=attrgetter("resource_id")):
        resource = resources[resource_id]
        for overload in overloads(resource.quantity, bookings):
            violations.append(
                Violation(
                    "over_capacity",
                    f"{_resource_label(resource.id, resource.name)} has quantity "
                    f"{resource.quantity} but up to {overload.peak} units are held from "
                    f"{_instant(overload.start)} to {_instant(overload.end)} "
                    f"(bookings {_ids(overload.booking_ids)}).",
                )
            )
    return violations


# ---------------------------------------------------------------- co-organisation shares


def share_sums() -> list[Violation]:
    """Co-organised bookings whose shares (whatever their consent) do not add up to 1, or
    where the booking's own organisation holds no accepted share (no share row: not
    co-organised).
    """
    rows = db.session.execute(
        select(
            BookingShare.booking_id,
            BookingShare.organisation_id,
            BookingShare.share,
            BookingShare.status,
            Booking.organisation_id.label("maker_id"),
        )
        .join(Booking, Booking.id == BookingShare.booking_id)
        .order_by(BookingShare.booking_id, BookingShare.organisation_id)
    )
    violations = []
    for booking_id, shares in groupby(rows, key=attrgetter("booking_id")):
        shares = list(shares)
        maker = shares[0].maker_id
        if not any(s.organisation_id == maker and s.status == "accepted" for s in shares):
            violations.append(
                Violation(
                    "own_share_missing",
                    f"Booking {booking_id}: its organisation {maker} holds no accepted share.",
                )
            )
        total = sum((Decimal(share.share) for share in shares), Decimal(0))
        if abs(total - 1) > SHARE_TOLERANCE:
            parts = ", ".join(
                f"organisation {share.organisation_id}: {Decimal(share.share)}" for share in shares
            )
            violations.append(
                Violation(
                    "shares_not_one",
                    f"Booking {booking_id}: its shares add up to {total}, not 1 ({parts}).",
                )
            )
    return violations


# ---------------------------------------------------------------- frozen allocations


def _party(organisation_id: int | None, names: dict[int, str]) -> str:
    if organisation_id is None:
        return "the pole"
    name = names.get(organisation_id)
    return f'organisation {organisation_id} "{name}"' if name else f"organisation {organisation_id}"


def _frozen_allocation(period: CostPeriod, costs: list[Cost], names: dict[int, str]) -> list[str]:
    """What disagrees in one closed period's snapshot, as messages (empty when it adds up)."""
    snapshot = period.snapshot
    if not snapshot:
        return ["it is closed but has no frozen allocation."]
    try:
        frozen = PeriodAllocation.from_json(snapshot)
        frozen_costs = {int(entry["id"]): entry for entry in frozen.costs}
        lines = [
            (int(line.cost_id), line.organisation_id, line.amount_cents) for line in frozen.lines
        ]
        totals = {
            total.organisation_id: (total.owed_cents, total.paid_cents, total.balance_cents)
            for total in frozen.totals
        }
        transfers = [
            (transfer.from_id, transfer.to_id, transfer.amount_cents)
            for transfer in frozen.transfers
        ]
        frozen_amounts = {
            cost_id: to_cents(entry["amount"]) for cost_id, entry in frozen_costs.items()
        }
        comparison = snapshot.get("comparison")
        compared = None
        if comparison:
            compared = (
                to_cents(comparison["total"]),
                {
                    column: sum(
                        to_cents(row.get(column, "0")) for row in comparison["owed"].values()
                    )
                    for column in comparison["columns"]
                },
            )
    except (KeyError, TypeError, ValueError, AttributeError, CostingError) as error:
        return [f"its frozen allocation cannot be read ({type(error).__name__}: {error})."]

    problems = []
    lines_by_cost: dict[int, int] = defaultdict(int)
    owed: dict[int | None, int] = defaultdict(int)
    for cost_id, organisation_id, cents in lines:
        lines_by_cost[cost_id] += cents
        owed[organisation_id] += cents
    paid: dict[int | None, int] = defaultdict(int)
    total_net = 0
    for cost in costs:
        label = f'cost {cost.id} "{cost.label}"'
        if cost.id not in frozen_costs:
            problems.append(f"{label} is not in the frozen allocation.")
            continue
        frozen_amount = frozen_amounts[cost.id]
        if cost.is_staff_billing or cost.amount is None:
            # Billed by the hour: the amount is computed from usage, frozen at closing.
            amount = frozen_amount
        else:
            amount = to_cents(cost.amount)
            if amount != frozen_amount:
                problems.append(
                    f"{label} has amount {format_cents(amount)} but was frozen with "
                    f"{format_cents(frozen_amount)}."
                )
        subsidy = to_cents(cost.subsidy or 0)
        net = amount - subsidy
        total_net += net
        paid[cost.paid_by_organisation_id] += net
        shared = lines_by_cost.get(cost.id, 0)
        if shared != net:
            problems.append(
                f"the frozen lines of {label} add up to {format_cents(shared)}, not "
                f"{format_cents(amount)} - {format_cents(subsidy)} = {format_cents(net)} "
                f"(off by {format_cents(shared - net)})."
            )
    known = {cost.id for cost in costs}
    strangers = (set(frozen_costs) | set(lines_by_cost)) - known
    if strangers:
        problems.append(
            f"its frozen allocation shares costs {_ids(strangers)}, which the period does not have."
        )

    for party in sorted(set(owed) | set(paid) | set(totals), key=lambda p: (p is not None, p)):
        who = _party(party, names)
        if party not in totals:
            problems.append(
                f"{who} has no frozen total but owes {format_cents(owed[party])} and paid "
                f"{format_cents(paid[party])}."
            )
            continue
        frozen_owed, frozen_paid, frozen_balance = totals[party]
        if frozen_owed != owed[party]:
            problems.append(
                f"the frozen total of {who} owes {format_cents(frozen_owed)} but its frozen "
                f"lines add up to {format_cents(owed[party])}."
            )
        if frozen_paid != paid[party]:
            problems.append(
                f"the frozen total of {who} paid {format_cents(frozen_paid)} but the costs it "
                f"paid come to {format_cents(paid[party])}."
            )
        if frozen_balance != frozen_paid - frozen_owed:
            problems.append(
                f"the frozen balance of {who} is {format_cents(frozen_balance)}, not paid "
                f"{format_cents(frozen_paid)} - owed {format_cents(frozen_owed)} = "
                f"{format_cents(frozen_paid - frozen_owed)}."
            )
    balances = {party: balance for party, (_owed, _paid, balance) in totals.items()}
    if sum(balances.values()) != 0:
        problems.append(
            f"its frozen balances add up to {format_cents(sum(balances.values()))}, not 0."
        )

    settled: dict[int | None, int] = defaultdict(int)
    for payer, payee, cents in transfers:
        settled[payer] -= cents
        settled[payee] += cents
    for party in sorted(set(settled) | set(balances), key=lambda p: (p is not None, p)):
        if settled[party] != balances.get(party, 0):
            problems.append(
                f"the frozen transfers give {_party(party, names)} "
                f"{format_cents(settled[party])} but its balance is "
                f"{format_cents(balances.get(party, 0))}."
            )

    if compared is not None:
        compared_total, columns = compared
        if compared_total != total_net:
            problems.append(
                f"the frozen rule comparison shares {format_cents(compared_total)} but the "
                f"costs come to {format_cents(total_net)}."
            )
        for column, cents in columns.items():
            if cents != compared_total:
                problems.append(
                    f'the "{column}" column of the frozen rule comparison adds up to '
                    f"{format_cents(cents)}, not {format_cents(compared_total)}."
                )
    return problems


def frozen_allocations() -> list[Violation]:
    """Closed cost periods whose frozen allocation does not add up to their costs.

    Per cost, the frozen lines add up to the amount minus the subsidy, to the cent; per
    organisation, the frozen totals agree with the lines and the costs it paid; the
    transfers settle every balance; the rule comparison shares the same total.
    """
    periods = list(
        db.session.scalars(
            select(CostPeriod).where(CostPeriod.status == "closed").order_by(CostPeriod.id)
        )
    )
    if not periods:
        return []
    costs: dict[int, list[Cost]] = defaultdict(list)
    for cost in db.session.scalars(
        select(Cost).where(Cost.period_id.in_([p.id for p in periods])).order_by(Cost.id)
    ):
        costs[cost.period_id].append(cost)
    names = {
        row.id: row.name for row in db.session.execute(select(Organisation.id, Organisation.name))
    }
    violations = []
    for period in periods:
        for problem in _frozen_allocation(period, costs[period.id], names):
            violations.append(
                Violation(
                    "frozen_allocation", f'Cost period {period.id} "{period.name}": {problem}'
                )
            )
    return violations


# ---------------------------------------------------------------- derived columns


def longest_booking_bounds() -> list[Violation]:
    """Resources whose ``longest_booking_minutes`` is shorter than one of their holding bookings.

    The conflict query looks back that many minutes before a slot for bookings that
    overlap it: a longer holding booking would be missed and its units booked twice.
    """
    longest: dict[int, tuple[int, int]] = {}  # resource id -> (minutes, booking id)
    rows = db.session.execute(
        select(Booking.resource_id, Booking.id, Booking.start_at, Booking.end_at)
        .where(Booking.status.in_(HOLDING))
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    for row in rows:
        minutes = _minutes_up(row.end_at - row.start_at)
        if minutes > longest.get(row.resource_id, (0, 0))[0]:
            longest[row.resource_id] = (minutes, row.id)
    violations = []
    resources = db.session.execute(
        select(Resource.id, Resource.name, Resource.longest_booking_minutes).order_by(Resource.id)
    )
    for resource in resources:
        recorded = resource.longest_booking_minutes
        minutes, booking_id = longest.get(resource.id, (0, None))
        if recorded is not None and recorded >= minutes:
            continue
        if booking_id is not None:
            problem = (
                f"booking {booking_id} lasts {minutes} minutes: the conflict query would miss it"
            )
        else:
            problem = "it must be at least 0"
        violations.append(
            Violation(
                "longest_booking_too_short",
                f"{_resource_label(resource.id, resource.name)} has longest_booking_minutes "
                f"{recorded} but {problem}.",
            )
        )
    return violations


def external_calendar_counts() -> list[Violation]:
    """External calendars whose ``busy_count`` or busy times' copied resource disagree with their rows."""
    counted = (
        select(
            ExternalCalendar.id,
            ExternalCalendar.resource_id,
            ExternalCalendar.busy_count,
            func.count(ExternalBusyTime.id).label("rows"),
        )
        .outerjoin(ExternalBusyTime, ExternalBusyTime.calendar_id == ExternalCalendar.id)
        .group_by(ExternalCalendar.id, ExternalCalendar.resource_id, ExternalCalendar.busy_count)
        .order_by(ExternalCalendar.id)
    )
    violations = []
    for calendar in db.session.execute(counted):
        if calendar.busy_count != calendar.rows:
            violations.append(
                Violation(
                    "busy_count_mismatch",
                    f"External calendar {calendar.id} (resource {calendar.resource_id}) has "
                    f"busy_count {calendar.busy_count} but {calendar.rows} busy times.",
                )
            )
    misplaced = (
        select(
            ExternalBusyTime.calendar_id,
            ExternalCalendar.resource_id.label("calendar_resource_id"),
            ExternalBusyTime.resource_id,
            func.count(ExternalBusyTime.id).label("rows"),
        )
        .join(ExternalCalendar, ExternalCalendar.id == ExternalBusyTime.calendar_id)
        .where(ExternalBusyTime.resource_id != ExternalCalendar.resource_id)
        .group_by(
            ExternalBusyTime.calendar_id, ExternalCalendar.resource_id, ExternalBusyTime.resource_id
        )
        .order_by(ExternalBusyTime.calendar_id, ExternalBusyTime.resource_id)
    )
    for row in db.session.execute(misplaced):
        violations.append(
            Violation(
                "busy_time_resource_mismatch",
                f"External calendar {row.calendar_id} belongs to resource "
                f"{row.calendar_resource_id} but {row.rows} of its busy times block resource "
                f"{row.resource_id}.",
            )
        )
    return violations


def series_occurrences() -> list[Violation]:
    """Occurrences whose resource or organisation differs from their series' (copied at creation)."""
    rows = db.session.execute(
        select(
            Booking.id,
            Booking.series_id,
            Booking.resource_id,
            Booking.organisation_id,
            Series.resource_id.label("series_resource_id"),
            Series.organisation_id.label("series_organisation_id"),
        )
        .join(Series, Series.id == Booking.series_id)
        .where(
            or_(
                Booking.resource_id != Series.resource_id,
                Booking.organisation_id != Series.organisation_id,
            )
        )
        .order_by(Booking.id)
    )
    return [
        Violation(
            "series_mismatch",
            f"Booking {row.id} of series {row.series_id} is on resource {row.resource_id} for "
            f"organisation {row.organisation_id}, but its series is on resource "
            f"{row.series_resource_id} for organisation {row.series_organisation_id}.",
        )
        for row in rows
    ]


# ---------------------------------------------------------------- the dashboards' rollup

_ROLLUP_REPORTED = 20


def day_rollup() -> list[Violation]:
    """Rows of the dashboards' day rollup that differ from a recomputation from the bookings
    (a booking changed without its flush listener, e.g. by raw SQL, or a changed time zone).
    Fixed by ``pooling rollup rebuild``."""
    found = rollup_differences(db.session.connection())
    violations = [
        Violation(
            "day_rollup_differs",
            f"Day rollup of {day.isoformat()}, resource {resource_id}, organisation "
            f"{organisation_id}, purpose {purpose_key or 'none'}: {figure} is {stored}, the "
            f"bookings give {expected}.",
        )
        for (day, resource_id, organisation_id, purpose_key), figure, stored, expected in found[
            :_ROLLUP_REPORTED
        ]
    ]
    if len(found) > _ROLLUP_REPORTED:
        violations.append(
            Violation(
                "day_rollup_differs",
                f"... and {len(found) - _ROLLUP_REPORTED} more differences in the day rollup.",
            )
        )
    return violations


CHECKS: tuple[tuple[str, Callable[[], list[Violation]]], ...] = (
    ("capacity", over_capacity),
    ("shares", share_sums),
    ("frozen allocations", frozen_allocations),
    ("longest bookings", longest_booking_bounds),
    ("external calendars", external_calendar_counts),
    ("series", series_occurrences),
    ("day rollup", day_rollup),
)
"""Every check, by name, in the order ``pooling check`` runs them."""


def check_database() -> list[Violation]:
    """Every violation of every check, in the order of CHECKS."""
    return [violation for _name, check in CHECKS for violation in check()]
