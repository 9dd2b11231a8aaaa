"""The OpenAPI 3.1 document of the JSON API and the calendar feeds, served at /api/v1/openapi.json.

Built from plain dicts: shared schemas, parameters and error answers live in ``components``
and operations point to them with ``$ref``. A test fails when a route of /api/v1 is missing
here, so every new endpoint comes with its description.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from pooling.api import bp, document
from pooling.api.helpers import MAX_ID, MAX_PAGE
from pooling.api.operations import operation as declare
from pooling.organisations.models import ORGANISATION_KINDS
from pooling.resources.models import RESOURCE_KINDS
from pooling.resources.opening_hours import WEEKDAYS

Schema = dict[str, Any]

API = "/api/v1"
ROLES = ["member", "org_admin", "coordinator"]
BOOKING_STATUSES = ["pending", "confirmed", "rejected", "cancelled"]
COST_RULES = ["usage", "equal", "weighted", "fixed_plus_usage"]
HHMM = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"

# Error answers every operation may give, by status, with the component that describes them.
ERROR_RESPONSES = {
    400: ("BadRequest", "The body is not JSON, or a session call lacks its CSRF token."),
    401: ("Unauthorized", "No valid token and no session."),
    403: ("Forbidden", "Signed in but not allowed to do this."),
    404: ("NotFound", "No such object, or not visible to the caller."),
    409: ("Conflict", "The request collides with the current state (e.g. an occupied slot)."),
    422: ("ValidationError", "A value is invalid or a rule refuses the request; see `fields`."),
    429: ("TooManyRequests", "Too many calls with this token; wait and retry."),
}

# The calendar files are read by calendar programs and people, not API clients: their
# "not found" is the site's page.
HTML_NOT_FOUND = {
    "description": "No such object, not visible to the caller, or a revoked feed (a web page).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
HTML_TOO_MANY = {
    "description": "Too many calls; wait and retry (a web page).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def ref(name: str) -> Schema:
    """A reference to a shared schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """``schema`` or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object schema with these properties."""
    schema: Schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def page_of(name: str) -> Schema:
    """A page of a list: the shared ``Page`` shape with items of schema ``name``."""
    return {"allOf": [ref("Page"), obj({"items": {"type": "array", "items": ref(name)}})]}


def json_content(schema: Schema) -> dict:
    """A JSON body of this schema."""
    return {"application/json": {"schema": schema}}


def answer(description: str, schema: Schema | None = None, **extra: Any) -> dict:
    """A response object, JSON when ``schema`` is given."""
    response: dict = {"description": description, **extra}
    if schema is not None:
        response["content"] = json_content(schema)
    return response


def parameter(name: str, where: str, schema: Schema, description: str, **extra: Any) -> dict:
    """A parameter object (``where`` is query, path or header)."""
    return {
        "name": name,
        "in": where,
        "schema": schema,
        "description": description,
        "required": where == "path" or extra.pop("required", False),
        **extra,
    }


def path_id(name: str, what: str) -> dict:
    """An integer identifier in the path."""
    return parameter(
        name, "path", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, f"The {what}'s id."
    )


def operation(
    operation_id: str,
    summary: str,
    tag: str,
    responses: dict,
    *,
    parameters: list | None = None,
    body: Schema | None = None,
    body_required: bool = True,
    errors: tuple[int, ...] = (),
    public: bool = False,
    description: str | None = None,
    security: list | None = None,
) -> dict:
    """One operation; its error answers come from the shared components."""
    result: dict = {"operationId": operation_id, "summary": summary, "tags": [tag]}
    if description:
        result["description"] = description
    if parameters:
        result["parameters"] = parameters
    if body is not None:
        result["requestBody"] = {"required": body_required, "content": json_content(body)}
        errors = (400, 422, *errors)
    if not public:
        errors = (401, *errors)
    errors = (*errors, 429)
    result["responses"] = {
        **responses,
        **{
            str(status): {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
            for status in sorted(set(errors))
            if str(status) not in responses  # an operation may describe its own
        },
    }
    if public:
        result["security"] = []
    elif security is not None:
        result["security"] = security
    return result


def _schemas() -> dict[str, Schema]:
    instant = {
        "type": "string",
        "format": "date-time",
        "description": (
            "ISO 8601 with an offset or Z, in the years 1900 to 2200 (UTC); answers give UTC with Z."
        ),
        "examples": ["2026-12-01T09:00:00+01:00"],
    }
    local = {
        "type": "string",
        "format": "date-time",
        "description": "The same instant in the pole's time zone, with its offset.",
    }
    money = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["1234.50"]}
    money_in = {
        "anyOf": [{"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,2})?$"}, {"type": "number"}]
    }
    day_spans = {
        "type": ["array", "null"],
        "items": {
            "type": "array",
            "prefixItems": [
                {"type": "string", "pattern": HHMM},
                {"type": "string", "pattern": HHMM},
            ],
            "minItems": 2,
            "maxItems": 2,
        },
    }
    booking_fields = {
        "start": instant,
        "end": instant,
        "title": {"type": "string", "maxLength": 200},
        "quantity": {"type": "integer", "minimum": 1},
    }
    return {
        "Error": obj(
            {
                "error": {"type": "string", "description": "A stable code, e.g. not_found."},
                "message": {
                    "type": "string",
                    "description": "A sentence in the caller's language.",
                },
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "Messages per faulty field or parameter.",
                },
            },
            ("error", "message", "fields"),
        ),
        "ConflictError": {
            "allOf": [
                ref("Error"),
                obj(
                    {
                        "conflicts": {
                            "type": "array",
                            "items": obj(
                                {
                                    "start": instant,
                                    "end": instant,
                                    "booking_id": {"type": "integer"},
                                },
                                ("start", "end"),
                            ),
                        }
                    }
                ),
            ]
        },
        "Page": obj(
            {
                "items": {"type": "array"},
                "next": {
                    "type": ["string", "null"],
                    "format": "uri",
                    "description": "The URL of the next page, or null on the last one.",
                },
            },
            ("items", "next"),
            description=f"A page of a list: at most {MAX_PAGE} items (?limit=, ?page=).",
        ),
        "Instant": instant,
        "Money": money,
        "OrganisationRef": obj(
            {"id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"}},
            ("id", "slug", "name"),
        ),
        "Me": obj(
            {
                "id": {"type": "integer"},
                "email": {"type": "string"},
                "name": {"type": "string"},
                "role": {"type": "string", "enum": ROLES, "description": "The highest role."},
                "locale": {"type": "string", "enum": ["fr", "en"]},
                "organisation": nullable(ref("OrganisationRef")),
                "organisations": {
                    "type": "array",
                    "items": obj(
                        {
                            "id": {"type": "integer"},
                            "slug": {"type": "string"},
                            "name": {"type": "string"},
                            "role": {"type": "string", "enum": ["member", "org_admin"]},
                        },
                        ("id", "slug", "name", "role"),
                    ),
                },
            },
            ("id", "email", "name", "role", "organisation", "organisations"),
        ),
        "Organisation": obj(
            {
                "id": {"type": "integer"},
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": list(ORGANISATION_KINDS)},
                "siret": {"type": ["string", "null"]},
                "weight": {
                    "type": "string",
                    "pattern": r"^[0-9]+(\.[0-9]+)?$",
                    "description": "The solidarity weight, as a decimal string.",
                },
                "active": {"type": "boolean"},
            },
            ("id", "slug", "name", "kind", "weight", "active"),
        ),
        "OrganisationInput": obj(
            {
                "name": {"type": "string", "maxLength": 200},
                "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80},
                "kind": {"type": "string", "enum": list(ORGANISATION_KINDS)},
                "siret": {"type": ["string", "null"], "description": "14 digits, valid key."},
                "weight": {
                    "anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}],
                    "description": "Greater than 0; 1 is the usual weight.",
                },
                "active": {"type": "boolean"},
            },
            description="On creation `name` is required; on edit every field is optional.",
        ),
        "OpeningHours": obj(
            {day: day_spans for day in WEEKDAYS},
            additionalProperties=False,
            description='Local times per weekday; a day absent or [] is closed; "24:00" ends a day.',
        ),
        "Rules": obj(
            {
                "opening_hours": ref("OpeningHours"),
                "slot_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
                "min_duration_minutes": {"type": ["integer", "null"], "minimum": 1},
                "max_duration_minutes": {"type": ["integer", "null"], "minimum": 1},
                "min_notice_minutes": {"type": "integer", "minimum": 0},
                "max_advance_days": {"type": "integer", "minimum": 1},
                "closed_on_public_holidays": {
                    "type": "boolean",
                    "description": (
                        "Closed on the public holidays of POOLING_HOLIDAYS (whole local days); "
                        "default true."
                    ),
                },
            },
            additionalProperties=False,
        ),
        "Resource": obj(
            {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": list(RESOURCE_KINDS)},
                "description": {"type": "string"},
                "location": {"type": "string"},
                "capacity": {"type": ["integer", "null"]},
                "quantity": {"type": "integer", "minimum": 1},
                "unit": {"type": "string"},
                "meter_unit": {"type": "string"},
                "requires_approval": {"type": "boolean"},
                "owner_organisation_id": {"type": ["integer", "null"]},
                "staff_user_id": {
                    "type": ["integer", "null"],
                    "description": "For shared staff: the person whose working time this is.",
                },
                "active": {"type": "boolean"},
                "rules": ref("Rules"),
            },
            (
                "id",
                "name",
                "kind",
                "description",
                "location",
                "capacity",
                "quantity",
                "unit",
                "requires_approval",
                "owner_organisation_id",
                "active",
                "rules",
            ),
        ),
        "ResourceInput": obj(
            {
                "name": {"type": "string", "maxLength": 200},
                "kind": {"type": "string", "enum": list(RESOURCE_KINDS)},
                "description": {"type": ["string", "null"], "maxLength": 5000},
                "location": {"type": ["string", "null"], "maxLength": 200},
                "capacity": {"type": ["integer", "null"], "minimum": 1},
                "quantity": {"type": "integer", "minimum": 1, "default": 1},
                "unit": {"type": ["string", "null"], "maxLength": 40},
                "meter_unit": {"type": ["string", "null"], "maxLength": 20},
                "requires_approval": {"type": "boolean"},
                "owner_organisation_id": {"type": ["integer", "null"]},
                "staff_user_id": {"type": ["integer", "null"]},
                "active": {"type": "boolean"},
                "rules": ref("Rules"),
            },
            description=(
                "On creation `name` and `kind` are required; every rule is optional (defaults: "
                "open Monday to Friday 08:00-19:00, 15-minute slots, no minimum notice, at "
                "most 365 days ahead)."
            ),
        ),
        "Closure": obj(
            {
                "id": {"type": "integer"},
                "resource_id": {
                    "type": ["integer", "null"],
                    "description": "The closed resource; null when the whole pole is closed.",
                },
                "start": instant,
                "end": instant,
                "start_local": local,
                "end_local": local,
                "reason": {"type": "string"},
                "affected_bookings": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "description": (
                        "Right after creating it: the pending or confirmed bookings it overlaps."
                    ),
                },
                "cancelled_bookings": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "description": "Right after creating it: those cancelled because of it.",
                },
            },
            ("id", "resource_id", "start", "end", "reason"),
        ),
        "ClosureCreate": obj(
            {
                "resource_id": {
                    "type": ["integer", "null"],
                    "description": "The resource to close; absent or null: the whole pole.",
                },
                "start": {"type": "string", "format": "date-time"},
                "end": {"type": "string", "format": "date-time"},
                "reason": {"type": "string", "minLength": 1, "maxLength": 200},
                "cancel_bookings": {
                    "type": "boolean",
                    "default": False,
                    "description": (
                        "Cancel the pending and confirmed bookings it overlaps, with the reason, "
                        "and tell their bookers; otherwise they stay and are listed."
                    ),
                },
            },
            ("start", "end", "reason"),
        ),
        "Availability": obj(
            {
                "resource_id": {"type": "integer"},
                "intervals": {
                    "type": "array",
                    "items": obj(
                        {
                            "start": instant,
                            "end": instant,
                            "start_local": local,
                            "end_local": local,
                            "available_quantity": {"type": "integer", "minimum": 0},
                            "reason": nullable(
                                obj(
                                    {
                                        "kind": {
                                            "type": "string",
                                            "enum": ["closure", "holiday", "opening_hours", "busy"],
                                        },
                                        "text": {"type": "string"},
                                    },
                                    ("kind", "text"),
                                    description=(
                                        "Why no unit is free: a closure (and its reason), a "
                                        "public holiday (its name), outside the opening hours, "
                                        "or busy in the resource's external calendar."
                                    ),
                                )
                            ),
                        },
                        ("start", "end", "available_quantity"),
                    ),
                },
            },
            ("intervals",),
        ),
        "Booking": obj(
            {
                "id": {"type": "integer"},
                "resource_id": {"type": "integer"},
                "organisation_id": {"type": "integer"},
                "user_id": {"type": ["integer", "null"], "description": "Null when hidden."},
                "title": {
                    "type": ["string", "null"],
                    "description": "Null when hidden from the caller.",
                },
                "start": instant,
                "end": instant,
                "start_local": local,
                "end_local": local,
                "quantity": {"type": "integer"},
                "status": {"type": "string", "enum": BOOKING_STATUSES},
                "series_id": {"type": ["integer", "null"]},
                "shares": {
                    "type": "array",
                    "description": "Co-organisation: another organisation's share counts for "
                    "the booking's organisation until it is accepted.",
                    "items": obj(
                        {
                            "organisation_id": {"type": "integer"},
                            "share": {"type": "string"},
                            "status": {
                                "type": "string",
                                "enum": ["accepted", "proposed", "declined"],
                            },
                        },
                        ("organisation_id", "share", "status"),
                    ),
                },
                "sequence": {"type": "integer"},
                "checked_in_at": {"type": ["string", "null"], "format": "date-time"},
                "checked_out_at": {"type": ["string", "null"], "format": "date-time"},
                "meter_start": {"type": ["string", "null"]},
                "meter_end": {"type": ["string", "null"]},
                "created_at": instant,
                "updated_at": instant,
            },
            (
                "id",
                "resource_id",
                "organisation_id",
                "user_id",
                "title",
                "start",
                "end",
                "start_local",
                "end_local",
                "quantity",
                "status",
                "series_id",
            ),
        ),
        "BookingCreate": obj(
            {
                "resource_id": {"type": "integer"},
                **booking_fields,
                "organisation_id": {
                    "type": "integer",
                    "description": "On whose behalf; required when the caller has several.",
                },
                "shares": {
                    "type": "array",
                    "description": "A co-organised booking: the booking's organisation keeps a "
                    "share above 0 and the shares (rounded to 6 decimals) add up to 1; another "
                    "organisation's share is proposed until it accepts it.",
                    "items": obj(
                        {
                            "organisation_id": {"type": "integer"},
                            "share": {"type": ["number", "string"]},
                        },
                        ("organisation_id", "share"),
                    ),
                },
                "recurrence": {
                    "type": "string",
                    "description": "An RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=10.",
                },
                "on_conflict": {"type": "string", "enum": ["fail", "skip"], "default": "fail"},
                "override_rules": {
                    "type": "boolean",
                    "description": "Coordinators: book outside the rules (recorded).",
                },
            },
            ("resource_id", "start", "end", "title"),
        ),
        "BookingUpdate": obj({**booking_fields, "override_rules": {"type": "boolean"}}),
        "BookingSeries": obj(
            {
                "series_id": {"type": "integer"},
                "items": {"type": "array", "items": ref("Booking")},
                "skipped": {
                    "type": "array",
                    "items": obj(
                        {
                            "start": instant,
                            "end": instant,
                            "reason": {"type": "string"},
                            "message": {"type": "string"},
                            "booking_id": {"type": ["integer", "null"]},
                        },
                        ("start", "end"),
                    ),
                },
            },
            ("series_id", "items"),
        ),
        "Reason": obj({"reason": {"type": ["string", "null"]}}),
        "MeterReading": obj(
            {
                "meter": {"type": ["number", "string", "null"]},
                "at": {
                    **instant,
                    "description": (
                        "When it happened (default: now); never in the future. A check-in "
                        "from POOLING_CHECK_IN_LEAD_MINUTES (60) before the start until the "
                        "end; a check-out not before the check-in. More than 15 minutes ago: "
                        "a coordinator or an approver of the resource only, audited."
                    ),
                },
            }
        ),
        "SeriesCancelled": obj(
            {
                "series_id": {"type": "integer"},
                "cancelled": {"type": "array", "items": ref("Booking")},
            },
            ("series_id", "cancelled"),
        ),
        "SeriesCancel": obj(
            {"from": {**instant, "description": "Cancel the occurrences from then on."}}
        ),
        "UsageLine": obj(
            {
                "key": {"type": ["string", "integer"]},
                "label": {"type": "string"},
                "hours": {"type": ["number", "string"]},
                "unit_hours": {"type": ["number", "string"]},
                "bookings": {"type": "integer"},
                "share": {"type": ["number", "string"]},
            },
            ("key", "label", "hours", "unit_hours", "bookings", "share"),
        ),
        "CostPeriodCreate": obj(
            {
                "name": {"type": "string"},
                "start": {"type": "string", "description": "A date or an instant."},
                "end": {"type": "string", "description": "A date or an instant."},
            },
            ("name", "start", "end"),
        ),
        "CostPeriod": obj(
            {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "start": {"type": "string"},
                "end": {"type": "string"},
                "closed_at": {"type": ["string", "null"]},
            },
            ("id", "name", "start", "end"),
        ),
        "CostCreate": obj(
            {
                "label": {"type": "string"},
                "amount": money_in,
                "resource_id": {"type": ["integer", "null"]},
                "kind": {"type": ["string", "null"], "enum": [*RESOURCE_KINDS, None]},
                "rule": {"type": "string", "enum": COST_RULES},
                "fixed_share": {"type": ["number", "string", "null"]},
                "subsidy": nullable(money_in),
                "paid_by_organisation_id": {"type": ["integer", "null"]},
            },
            ("label", "amount", "rule"),
        ),
        "Cost": obj(
            {
                "id": {"type": "integer"},
                "label": {"type": "string"},
                "amount": nullable(money),
                "rule": {"type": "string", "enum": COST_RULES},
            },
            ("id", "label", "amount", "rule"),
            description="A shared staff cost (loaded_hourly_cost given) has amount null: it is "
            "hours x loaded hourly cost x management coefficient, computed from usage.",
        ),
        "ManualUsageCreate": obj(
            {
                "organisation_id": {"type": "integer"},
                "resource_id": {"type": ["integer", "null"]},
                "kind": {"type": ["string", "null"], "enum": [*RESOURCE_KINDS, None]},
                "date": {"type": "string", "format": "date"},
                "hours": {"type": ["number", "string"]},
                "quantity": {"type": ["integer", "null"]},
                "meter": {"type": ["number", "string", "null"]},
                "reason": {"type": "string"},
            },
            ("organisation_id", "date", "hours", "reason"),
        ),
        "ManualUsage": obj(
            {
                "id": {"type": "integer"},
                "organisation_id": {"type": "integer"},
                "resource_id": {"type": ["integer", "null"]},
                "kind": {"type": ["string", "null"]},
                "used_at": {"type": "string"},
                "hours": {"type": "string"},
                "quantity": {"type": "integer"},
                "meter": {"type": ["string", "null"]},
                "reason": {"type": "string"},
            },
            ("id", "organisation_id", "hours", "reason"),
        ),
        "UsageSettings": obj({"late_cancel_hours": {"type": "integer", "minimum": 0}}),
        "Allocation": obj(
            {
                "period": ref("CostPeriod"),
                "lines": {
                    "type": "array",
                    "items": obj(
                        {
                            "cost_id": {"type": "integer"},
                            "organisation_id": {"type": "integer"},
                            "amount": money,
                            "basis": {"type": ["string", "object", "null"]},
                        },
                        ("cost_id", "organisation_id", "amount"),
                    ),
                },
                "totals": {
                    "type": "array",
                    "items": obj(
                        {
                            "organisation_id": {
                                "type": ["integer", "null"],
                                "description": "null: the pole's own account.",
                            },
                            "owed": money,
                            "paid": money,
                            "balance": money,
                        },
                        ("organisation_id", "owed", "paid", "balance"),
                        description="balance = paid - owed: positive, the pole owes the "
                        "organisation; negative, the organisation owes the pole.",
                    ),
                },
                "transfers": {
                    "type": "array",
                    "items": obj(
                        {
                            "from": {"type": ["integer", "null"]},
                            "to": {"type": ["integer", "null"]},
                            "amount": money,
                        },
                        ("from", "to", "amount"),
                    ),
                },
            },
            ("period", "lines", "totals", "transfers"),
        ),
        "Quota": obj(
            {
                "id": {"type": "integer"},
                "organisation_id": {"type": "integer"},
                "resource_id": {"type": ["integer", "null"]},
                "resource_kind": {"type": ["string", "null"], "enum": [*RESOURCE_KINDS, None]},
                "period": {"type": "string", "enum": ["week", "month"]},
                "hours": {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$"},
            },
            ("id", "organisation_id", "resource_id", "resource_kind", "period", "hours"),
        ),
        "QuotaInput": obj(
            {
                "organisation_id": {"type": "integer"},
                "hours": {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "string"}]},
                "period": {"type": "string", "enum": ["week", "month"], "default": "week"},
                "resource_id": {"type": ["integer", "null"]},
                "resource_kind": {"type": ["string", "null"], "enum": [*RESOURCE_KINDS, None]},
            },
            ("organisation_id", "hours"),
            description="Exactly one of `resource_id` and `resource_kind`.",
        ),
        "FeedCreate": obj(
            {
                "scope": {"type": "string", "enum": ["me", "organisation", "resource"]},
                "resource_id": {"type": "integer", "description": "With scope resource."},
            },
            ("scope",),
        ),
        "Feed": obj(
            {
                "id": {"type": "integer"},
                "scope": {"type": "string", "enum": ["me", "organisation", "resource"]},
                "resource_id": {"type": ["integer", "null"]},
                "url": {"type": "string", "format": "uri"},
            },
            ("id", "url"),
        ),
    }


def _parameters() -> dict[str, dict]:
    bounded = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {
        "Limit": parameter(
            "limit", "query", bounded, f"Items per page (default 100, at most {MAX_PAGE})."
        ),
        "PageNumber": parameter("page", "query", bounded, "The page to read (from 1)."),
        "IdempotencyKey": parameter(
            "Idempotency-Key",
            "header",
            {"type": "string", "maxLength": 200},
            "Retrying with the same key returns the first answer without booking twice.",
        ),
    }


def _paths() -> dict[str, dict]:
    paging = [
        {"$ref": "#/components/parameters/Limit"},
        {"$ref": "#/components/parameters/PageNumber"},
    ]

    def instant_param(name: str, description: str, required: bool = False) -> dict:
        return parameter(
            name,
            "query",
            {"type": "string", "format": "date-time"},
            f"{description} ISO 8601 with an offset or Z, in the years 1900 to 2200.",
            required=required,
        )

    booking = path_id("booking_id", "booking")
    resource_id = path_id("resource_id", "resource")
    org_id = path_id("org_id", "organisation")
    share_org = path_id("organisation_id", "organisation")
    period_id = path_id("period_id", "cost period")
    booking_action = {
        "parameters": [booking],
        "body": ref("Reason"),
        "body_required": False,
        "errors": (403, 404, 409),
    }
    return {
        f"{API}/openapi.json": {
            "get": operation(
                "openapi",
                "This document",
                "meta",
                {"200": answer("The OpenAPI 3.1 document.", {"type": "object"})},
                public=True,
            )
        },
        f"{API}/me": {
            "get": operation("get_me", "Who am I", "me", {"200": answer("The caller.", ref("Me"))})
        },
        f"{API}/organisations": {
            "get": operation(
                "list_organisations",
                "Member organisations",
                "organisations",
                {"200": answer("A page of organisations.", page_of("Organisation"))},
                parameters=paging,
                errors=(422,),
            ),
            "post": operation(
                "create_organisation",
                "Add a member organisation (coordinator)",
                "organisations",
                {
                    "201": answer(
                        "Created.",
                        ref("Organisation"),
                        headers={"Location": {"schema": {"type": "string", "format": "uri"}}},
                    )
                },
                body=ref("OrganisationInput"),
                errors=(403,),
            ),
        },
        f"{API}/organisations/{{org_id}}": {
            "get": operation(
                "get_organisation",
                "One member organisation",
                "organisations",
                {"200": answer("The organisation.", ref("Organisation"))},
                parameters=[org_id],
                errors=(404,),
            ),
            "patch": operation(
                "update_organisation",
                "Edit or deactivate a member organisation (coordinator)",
                "organisations",
                {"200": answer("The organisation as saved.", ref("Organisation"))},
                parameters=[org_id],
                body=ref("OrganisationInput"),
                errors=(403, 404),
            ),
        },
        f"{API}/resources": {
            "get": operation(
                "list_resources",
                "Search the shared resources",
                "resources",
                {"200": answer("A page of resources.", page_of("Resource"))},
                parameters=[
                    parameter(
                        "kind", "query", {"type": "string", "enum": list(RESOURCE_KINDS)}, "Kind."
                    ),
                    parameter(
                        "q", "query", {"type": "string"}, "Text in name, description, place."
                    ),
                    parameter(
                        "capacity_min",
                        "query",
                        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                        "At least this many people.",
                    ),
                    instant_param(
                        "available_start",
                        "With available_end: only resources that can take a booking of "
                        "the whole interval.",
                    ),
                    instant_param("available_end", "With available_start."),
                    parameter(
                        "include_inactive",
                        "query",
                        {"type": "boolean"},
                        "Coordinators: inactive resources too.",
                    ),
                    *paging,
                ],
                errors=(422,),
            ),
            "post": operation(
                "create_resource",
                "Add a shared resource (coordinator)",
                "resources",
                {
                    "201": answer(
                        "Created.",
                        ref("Resource"),
                        headers={"Location": {"schema": {"type": "string", "format": "uri"}}},
                    )
                },
                body=ref("ResourceInput"),
                errors=(403,),
            ),
        },
        f"{API}/resources/{{resource_id}}": {
            "get": operation(
                "get_resource",
                "One shared resource",
                "resources",
                {"200": answer("The resource.", ref("Resource"))},
                parameters=[resource_id],
                errors=(404,),
            ),
            "patch": operation(
                "update_resource",
                "Edit, deactivate or reactivate a resource (coordinator)",
                "resources",
                {"200": answer("The resource as saved.", ref("Resource"))},
                parameters=[resource_id],
                body=ref("ResourceInput"),
                errors=(403, 404),
            ),
        },
        f"{API}/resources/{{resource_id}}/availability": {
            "get": operation(
                "get_availability",
                "Free quantity over a window",
                "resources",
                {"200": answer("The window cut at every change.", ref("Availability"))},
                parameters=[
                    resource_id,
                    instant_param("start", "Window start.", required=True),
                    instant_param("end", "Window end.", required=True),
                ],
                errors=(404, 422),
            )
        },
        f"{API}/bookings": {
            "get": operation(
                "list_bookings",
                "Bookings",
                "bookings",
                {"200": answer("A page of bookings.", page_of("Booking"))},
                parameters=[
                    parameter("resource_id", "query", {"type": "integer"}, "Of this resource."),
                    parameter(
                        "organisation_id", "query", {"type": "integer"}, "Of this organisation."
                    ),
                    parameter(
                        "user_id",
                        "query",
                        {"type": "integer"},
                        "Made by this person: yourself, or for one of your organisations "
                        "(coordinators: anyone); otherwise an empty list.",
                    ),
                    parameter("series_id", "query", {"type": "integer"}, "Of this series."),
                    instant_param("start", "Ending after this instant."),
                    instant_param("end", "Starting before this instant."),
                    parameter(
                        "status", "query", {"type": "string", "enum": BOOKING_STATUSES}, "Status."
                    ),
                    *paging,
                ],
                errors=(422,),
            ),
            "post": operation(
                "create_booking",
                "Book a resource (once or recurring)",
                "bookings",
                {
                    "201": answer(
                        "Booked: the booking, or with `recurrence` the series.",
                        {"oneOf": [ref("Booking"), ref("BookingSeries")]},
                    ),
                    "409": answer(
                        "Some occurrence would exceed the free quantity; nothing was written.",
                        ref("ConflictError"),
                    ),
                },
                parameters=[{"$ref": "#/components/parameters/IdempotencyKey"}],
                body=ref("BookingCreate"),
                errors=(403, 404),
            ),
        },
        f"{API}/bookings/{{booking_id}}": {
            "get": operation(
                "get_booking",
                "One booking",
                "bookings",
                {"200": answer("The booking.", ref("Booking"))},
                parameters=[booking],
                errors=(404,),
            ),
            "patch": operation(
                "update_booking",
                "Move or edit a booking (same checks as booking)",
                "bookings",
                {
                    "200": answer("The booking as saved.", ref("Booking")),
                    "409": answer("The new slot is taken.", ref("ConflictError")),
                },
                parameters=[booking],
                body=ref("BookingUpdate"),
                errors=(403, 404),
            ),
        },
        f"{API}/bookings/{{booking_id}}/cancel": {
            "post": operation(
                "cancel_booking",
                "Cancel a booking (idempotent)",
                "bookings",
                {"200": answer("The booking, cancelled.", ref("Booking"))},
                description=(
                    "409 `checked_in` once the booking is checked in; 409 `not_active` for a "
                    "rejected booking. Serialised with every other change of the booking."
                ),
                **booking_action,
            )
        },
        f"{API}/bookings/{{booking_id}}/approve": {
            "post": operation(
                "approve_booking",
                "Approve a pending booking (coordinator or referent of the owner)",
                "bookings",
                {"200": answer("The booking, confirmed.", ref("Booking"))},
                description=(
                    "409 `not_pending` when the booking was cancelled or rejected meanwhile; "
                    "409 with `conflicts` when its units were taken meanwhile."
                ),
                **booking_action,
            )
        },
        f"{API}/bookings/{{booking_id}}/reject": {
            "post": operation(
                "reject_booking",
                "Reject a pending booking (coordinator or referent of the owner)",
                "bookings",
                {"200": answer("The booking, rejected.", ref("Booking"))},
                **booking_action,
            )
        },
        f"{API}/bookings/{{booking_id}}/shares/{{organisation_id}}/accept": {
            "post": operation(
                "accept_share",
                "Accept an organisation's proposed share of a co-organised booking "
                "(coordinator or referent of that organisation; idempotent)",
                "bookings",
                {"200": answer("The booking, its share accepted.", ref("Booking"))},
                parameters=[booking, share_org],
                errors=(403, 404),
            )
        },
        f"{API}/bookings/{{booking_id}}/shares/{{organisation_id}}/decline": {
            "post": operation(
                "decline_share",
                "Decline an organisation's proposed share of a co-organised booking "
                "(coordinator or referent of that organisation; idempotent)",
                "bookings",
                {"200": answer("The booking, its share declined.", ref("Booking"))},
                parameters=[booking, share_org],
                errors=(403, 404),
            )
        },
        f"{API}/bookings/{{booking_id}}/check-in": {
            "post": operation(
                "check_in",
                "Record the actual start (and meter reading)",
                "bookings",
                {"200": answer("The booking.", ref("Booking"))},
                description=(
                    "422 with `fields.at` outside the window, in the future or backdated "
                    "without the right; 409 when not confirmed or already checked in."
                ),
                **{**booking_action, "body": ref("MeterReading"), "errors": (403, 404, 409, 422)},
            )
        },
        f"{API}/bookings/{{booking_id}}/check-out": {
            "post": operation(
                "check_out",
                "Record the actual end (and meter reading); an early check-out frees the rest",
                "bookings",
                {"200": answer("The booking.", ref("Booking"))},
                description=(
                    "422 with `fields.at` before the check-in, in the future or backdated "
                    "without the right; 409 when not confirmed or already checked out."
                ),
                **{**booking_action, "body": ref("MeterReading"), "errors": (403, 404, 409, 422)},
            )
        },
        f"{API}/series/{{series_id}}/cancel": {
            "post": operation(
                "cancel_series",
                "Cancel a recurring booking, or its occurrences from a date on",
                "bookings",
                {"200": answer("The occurrences cancelled now.", ref("SeriesCancelled"))},
                parameters=[path_id("series_id", "series")],
                body=ref("SeriesCancel"),
                body_required=False,
                errors=(403, 404),
            )
        },
        f"{API}/quotas": {
            "get": operation(
                "list_quotas",
                "Quotas of hours per organisation",
                "bookings",
                {"200": answer("The quotas.", page_of("Quota"))},
                parameters=[
                    parameter(
                        "organisation_id", "query", {"type": "integer"}, "Of this organisation."
                    )
                ],
                errors=(403, 422),
            ),
            "post": operation(
                "set_quota",
                "Give an organisation a quota of hours per week or month (coordinator)",
                "bookings",
                {"201": answer("Set.", ref("Quota"))},
                body=ref("QuotaInput"),
                errors=(403,),
            ),
        },
        f"{API}/quotas/{{quota_id}}": {
            "delete": operation(
                "delete_quota",
                "Remove a quota (coordinator)",
                "bookings",
                {"204": answer("Removed.")},
                parameters=[path_id("quota_id", "quota")],
                errors=(403, 404),
            )
        },
        f"{API}/usage": {
            "get": operation(
                "get_usage",
                "Measured usage over a window",
                "usage",
                {"200": answer("Usage lines.", page_of("UsageLine"))},
                parameters=[
                    instant_param("start", "Window start.", required=True),
                    instant_param("end", "Window end.", required=True),
                    parameter(
                        "group_by",
                        "query",
                        {"type": "string", "enum": ["organisation", "resource", "kind"]},
                        "Grouping.",
                    ),
                ],
                errors=(403, 422),
            )
        },
        f"{API}/cost-periods": {
            "post": operation(
                "create_cost_period",
                "Open a cost period (coordinator)",
                "costs",
                {"201": answer("Created.", ref("CostPeriod"))},
                body=ref("CostPeriodCreate"),
                errors=(403,),
            ),
            "get": operation(
                "list_cost_periods",
                "Cost periods, latest first (coordinators and referents)",
                "costs",
                {"200": answer("A page of periods.", page_of("CostPeriod"))},
                parameters=paging,
                errors=(403, 422),
            ),
        },
        f"{API}/cost-periods/{{period_id}}/costs": {
            "post": operation(
                "create_cost",
                "Add a cost to a period (coordinator)",
                "costs",
                {"201": answer("Created.", ref("Cost"))},
                parameters=[period_id],
                body=ref("CostCreate"),
                errors=(403, 404, 409),
            )
        },
        f"{API}/cost-periods/{{period_id}}/allocation": {
            "get": operation(
                "get_allocation",
                "How a period's costs are split",
                "costs",
                {"200": answer("The allocation.", ref("Allocation"))},
                parameters=[period_id],
                errors=(403, 404),
            )
        },
        f"{API}/usage/manual": {
            "get": operation(
                "list_manual_usage",
                "Manual usage lines of a window",
                "usage",
                {"200": answer("A page of manual usage lines.", page_of("ManualUsage"))},
                parameters=[
                    instant_param("start", "Window start.", required=True),
                    instant_param("end", "Window end.", required=True),
                    *paging,
                ],
                errors=(403, 422),
            ),
            "post": operation(
                "create_manual_usage",
                "Record usage by hand, with a reason (coordinator)",
                "usage",
                {"201": answer("Created.", ref("ManualUsage"))},
                body=ref("ManualUsageCreate"),
                errors=(403,),
            ),
        },
        f"{API}/usage/manual/{{line_id}}": {
            "get": operation(
                "get_manual_usage",
                "One manual usage line",
                "usage",
                {"200": answer("The line.", ref("ManualUsage"))},
                parameters=[path_id("line_id", "manual usage line")],
                errors=(404,),
            )
        },
        f"{API}/usage/settings": {
            "get": operation(
                "get_usage_settings",
                "The late-cancellation notice",
                "usage",
                {"200": answer("The notice in hours.", ref("UsageSettings"))},
            ),
            "patch": operation(
                "update_usage_settings",
                "Set the late-cancellation notice (coordinator)",
                "usage",
                {"200": answer("The notice in hours.", ref("UsageSettings"))},
                body=ref("UsageSettings"),
                errors=(403,),
            ),
        },
        f"{API}/cost-periods/{{period_id}}": {
            "get": operation(
                "get_cost_period",
                "One cost period with its costs",
                "costs",
                {"200": answer("The period.", ref("CostPeriod"))},
                parameters=[period_id],
                errors=(403, 404),
            )
        },
        f"{API}/cost-periods/{{period_id}}/reopen": {
            "post": operation(
                "reopen_cost_period",
                "Reopen a closed period, with a reason kept in the audit trail (coordinator)",
                "costs",
                {"200": answer("The reopened period.", ref("CostPeriod"))},
                parameters=[period_id],
                body=obj({"reason": {"type": "string"}}, ("reason",)),
                errors=(403, 404, 409),
            )
        },
        f"{API}/cost-periods/{{period_id}}/true-up": {
            "get": operation(
                "get_true_up",
                "Year-end true-up: provisionally charged, actually owed, difference",
                "costs",
                {"200": answer("The true-up.", {"type": "object"})},
                parameters=[period_id],
                errors=(403, 404, 422),
            )
        },
        f"{API}/cost-periods/{{period_id}}/close": {
            "post": operation(
                "close_cost_period",
                "Close a period: its allocation no longer changes (coordinator)",
                "costs",
                {"200": answer("The closed period.", ref("CostPeriod"))},
                parameters=[period_id],
                errors=(403, 404, 409),
            )
        },
        f"{API}/feeds": {
            "get": operation(
                "list_feeds",
                "The caller's calendar feeds",
                "feeds",
                {"200": answer("A page of feeds.", page_of("Feed"))},
                parameters=paging,
                errors=(422,),
            ),
            "post": operation(
                "create_feed",
                "Create a calendar feed (a secret URL)",
                "feeds",
                {"201": answer("Created.", ref("Feed"))},
                body=ref("FeedCreate"),
                errors=(403, 404),
            ),
        },
        f"{API}/closures": {
            "get": operation(
                "list_closures",
                "Closures of a resource (with the pole's) or all",
                "resources",
                {"200": answer("A page of closures, by start.", page_of("Closure"))},
                parameters=[
                    parameter(
                        "resource_id",
                        "query",
                        {"type": "integer"},
                        "Of this resource, with the closures of the whole pole.",
                    ),
                    instant_param("start", "Ending after this instant."),
                    instant_param("end", "Starting before this instant."),
                    *paging,
                ],
                errors=(404, 422),
            ),
            "post": operation(
                "create_closure",
                "Close a resource or the whole pole (coordinator)",
                "resources",
                {"201": answer("The closure, with the bookings it hits.", ref("Closure"))},
                body=ref("ClosureCreate"),
                errors=(403, 404),
            ),
        },
        f"{API}/closures/{{closure_id}}": {
            "delete": operation(
                "delete_closure",
                "Reopen: remove a closure (coordinator)",
                "resources",
                {"204": answer("Removed; its time can be booked again.")},
                parameters=[path_id("closure_id", "closure")],
                errors=(403, 404),
            )
        },
        f"{API}/feeds/{{feed_id}}": {
            "delete": operation(
                "revoke_feed",
                "Revoke a calendar feed (its URL then answers 404)",
                "feeds",
                {"204": answer("Revoked.")},
                parameters=[path_id("feed_id", "feed")],
                errors=(404,),
            )
        },
        "/ical/{secret}.ics": {
            "get": operation(
                "read_feed",
                "A calendar feed (RFC 5545)",
                "feeds",
                {
                    "200": {
                        "description": "The calendar.",
                        "headers": {"ETag": {"schema": {"type": "string"}}},
                        "content": {"text/calendar": {"schema": {"type": "string"}}},
                    },
                    "304": answer("Not modified since the ETag sent in If-None-Match."),
                    "404": HTML_NOT_FOUND,
                    "429": HTML_TOO_MANY,
                },
                parameters=[
                    parameter("secret", "path", {"type": "string"}, "The feed's secret."),
                    parameter(
                        "If-None-Match", "header", {"type": "string"}, "An ETag already read."
                    ),
                ],
                public=True,
            )
        },
        "/bookings/{booking_id}.ics": {
            "get": operation(
                "booking_ics",
                "One booking as an .ics file (signed in)",
                "feeds",
                {
                    "200": {
                        "description": "The booking as a calendar.",
                        "content": {"text/calendar": {"schema": {"type": "string"}}},
                    },
                    "302": answer(
                        "Not signed in: a redirection to the sign-in page.",
                        headers={"Location": {"schema": {"type": "string"}}},
                    ),
                    "404": HTML_NOT_FOUND,
                    "429": HTML_TOO_MANY,
                },
                parameters=[booking],
                security=[{"sessionCookie": []}],
            )
        },
    }


def build_document() -> dict:
    """The whole OpenAPI 3.1 document."""
    paths = _paths()
    for path, item in document.build()[0].items():
        paths.setdefault(path, {}).update(item)
    schemas = {**_schemas(), **document.build()[1]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pooling API",
            "version": "1.0.0",
            "summary": "Share premises, equipment and staff between a pole's members.",
            "description": (
                "Times: ISO 8601 with an offset or Z in requests (a naive time is a 422); "
                "answers give UTC with Z and `*_local` fields in the pole's time zone. "
                "Money is a string with two decimals. Errors are "
                '`{"error", "message", "fields"}`; messages follow `Accept-Language` '
                "(fr, en), else the caller's language. Session calls that change something "
                "send the page's CSRF token in `X-CSRFToken`."
            ),
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "tags": [
            {"name": name}
            for name in (
                "meta",
                "me",
                "organisations",
                "resources",
                "bookings",
                "usage",
                "costs",
                "feeds",
            )
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token (`pooling tokens create --email E`).",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The browser session; unsafe methods need X-CSRFToken.",
                },
            },
            "schemas": schemas,
            "parameters": _parameters(),
            "responses": {
                name: answer(description, ref("Error"))
                if status != 409
                else answer(description, ref("ConflictError"))
                for status, (name, description) in ERROR_RESPONSES.items()
            },
        },
    }


@bp.get("/openapi.json")
@declare(
    "This document",
    tag="meta",
    answers={
        200: {
            "description": "The OpenAPI 3.1 document.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    public=True,
)
def openapi() -> Response:
    """Serve the OpenAPI document (public, no authentication)."""
    return jsonify(build_document())
