"""A period's allocation as typed values, and its one JSON form (API, snapshot, pages).

``PeriodAllocation`` is what the costing services build and pass around: shares and totals
in integer cents (``OrganisationTotal``), the settlement plan (``Transfer``), with the
explanation parts (costs, organisations, bases, rule comparison) as the JSON-ready values
the pages show. ``to_json`` gives the dict the API answers and closing a period stores;
``from_json`` reads such a dict back (closed periods' snapshots), so that
``from_json(d).to_json() == d`` for every dict ``to_json`` produced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pooling.costing.allocation import OrganisationTotal, TrueUpLine
from pooling.costing.rounding import format_cents, to_cents
from pooling.costing.settlement import Transfer


@dataclass(frozen=True, slots=True)
class ShareLine:
    """One organisation's share of one cost, in cents, with its basis (JSON-ready)."""

    cost_id: int
    organisation_id: int
    amount_cents: int
    basis: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "cost_id": self.cost_id,
            "organisation_id": self.organisation_id,
            "amount": format_cents(self.amount_cents),
            "basis": dict(self.basis),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShareLine:
        return cls(
            cost_id=data["cost_id"],
            organisation_id=data["organisation_id"],
            amount_cents=to_cents(data["amount"]),
            basis=dict(data["basis"]),
        )


def total_to_json(total: OrganisationTotal) -> dict[str, Any]:
    """An organisation's totals as the API shows them: money as "1234.50" text."""
    return {
        "organisation_id": total.organisation_id,
        "owed": format_cents(total.owed_cents),
        "paid": format_cents(total.paid_cents),
        "balance": format_cents(total.balance_cents),
    }


def total_from_json(data: Mapping[str, Any]) -> OrganisationTotal:
    """The totals of ``total_to_json`` read back."""
    return OrganisationTotal(
        organisation_id=data["organisation_id"],
        owed_cents=to_cents(data["owed"]),
        paid_cents=to_cents(data["paid"]),
        balance_cents=to_cents(data["balance"]),
    )


def transfer_from_json(data: Mapping[str, Any]) -> Transfer:
    """A transfer of ``Transfer.as_dict`` read back."""
    return Transfer(data["from"], data["to"], to_cents(data["amount"]))


def true_up_to_json(line: TrueUpLine, name: str) -> dict[str, Any]:
    """A true-up line as the API shows it, with the organisation's name."""
    return {
        "organisation_id": line.organisation_id,
        "organisation": name,
        "provisional": format_cents(line.provisional_cents),
        "final": format_cents(line.final_cents),
        "difference": format_cents(line.difference_cents),
    }


@dataclass(frozen=True, slots=True)
class PeriodAllocation:
    """A period's allocation: shares, totals and transfers in cents, and their explanation.

    ``period`` is the period as the API shows it; ``costs``, ``organisations`` and
    ``comparison`` are the JSON-ready explanation (``comparison`` is None for a referent).
    """

    period: Mapping[str, Any]
    lines: tuple[ShareLine, ...]
    totals: tuple[OrganisationTotal, ...]
    transfers: tuple[Transfer, ...]
    costs: tuple[Mapping[str, Any], ...]
    organisations: tuple[Mapping[str, Any], ...]
    comparison: Mapping[str, Any] | None
    computed_at: str | None

    def owed(self) -> dict[int, int]:
        """Owed cents per organisation id (the pole's own account left out)."""
        return {
            total.organisation_id: total.owed_cents
            for total in self.totals
            if total.organisation_id is not None
        }

    def names(self) -> dict[int, str]:
        """Organisation names by id."""
        return {o["id"]: o["name"] for o in self.organisations}

    def with_period(self, period: Mapping[str, Any]) -> PeriodAllocation:
        """The same allocation shown with ``period`` (the period as it reads now)."""
        return replace(self, period=period)

    def visible_to(self, readable: Iterable[int] | None) -> PeriodAllocation:
        """The part about the organisations ``readable`` (None: everything), no comparison."""
        if readable is None:
            return self
        readable = set(readable)
        transfers = tuple(t for t in self.transfers if t.from_id in readable or t.to_id in readable)
        parties = {t.from_id for t in transfers} | {t.to_id for t in transfers}
        return replace(
            self,
            lines=tuple(x for x in self.lines if x.organisation_id in readable),
            totals=tuple(t for t in self.totals if t.organisation_id in readable),
            transfers=transfers,
            comparison=None,
            organisations=tuple(
                o for o in self.organisations if o["id"] in readable or o["id"] in parties
            ),
            costs=tuple(_visible_cost(cost, readable) for cost in self.costs),
        )

    def to_json(self) -> dict[str, Any]:
        """The API's and the snapshot's form (fresh dicts: the caller may change them)."""
        document: dict[str, Any] = {
            "period": dict(self.period),
            "lines": [line.to_json() for line in self.lines],
            "totals": [total_to_json(total) for total in self.totals],
            "transfers": [transfer.as_dict() for transfer in self.transfers],
            "costs": [_copy(cost) for cost in self.costs],
            "organisations": [dict(o) for o in self.organisations],
            "comparison": None if self.comparison is None else _copy(self.comparison),
        }
        if self.computed_at is not None:
            document["computed_at"] = self.computed_at
        return document

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PeriodAllocation:
        """An allocation of ``to_json`` read back (a closed period's snapshot)."""
        return cls(
            period=dict(data.get("period") or {}),
            lines=tuple(ShareLine.from_json(line) for line in data.get("lines") or ()),
            totals=tuple(total_from_json(total) for total in data.get("totals") or ()),
            transfers=tuple(transfer_from_json(t) for t in data.get("transfers") or ()),
            costs=tuple(_copy(cost) for cost in data.get("costs") or ()),
            organisations=tuple(dict(o) for o in data.get("organisations") or ()),
            comparison=None if data.get("comparison") is None else _copy(data["comparison"]),
            computed_at=data.get("computed_at"),
        )


def _visible_cost(cost: Mapping[str, Any], readable: set[int]) -> dict[str, Any]:
    visible = _copy(cost)
    staff = visible.get("staff")
    if staff:
        visible["staff"] = {
            "hours": {k: v for k, v in staff["hours"].items() if int(k) in readable},
            "charges": {k: v for k, v in staff["charges"].items() if int(k) in readable},
            "planned": [p for p in staff["planned"] if p["organisation_id"] in readable],
        }
    visible["usage"] = {k: v for k, v in visible.get("usage", {}).items() if int(k) in readable}
    return visible


def _copy(value: Any) -> Any:
    """A deep copy of JSON values (dicts, lists, scalars)."""
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value
