"""Factories for test data, going through the real services wherever a rule is involved."""

from __future__ import annotations

import itertools
from decimal import Decimal

from pooling.accounts import memberships
from pooling.accounts import services as accounts
from pooling.accounts.models import Membership
from pooling.core.actors import SYSTEM
from pooling.extensions import db
from pooling.organisations import services as organisations
from pooling.resources import services as resources

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_organisation(name: str | None = None, **values):
    n = next(_seq)
    organisation = organisations.create_organisation(
        SYSTEM,
        organisations.OrganisationInput(
            name=name or f"Organisation {n}",
            slug=values.pop("slug", None),
            kind=values.pop("kind", "association"),
            weight=Decimal(str(values.pop("weight", 1))),
            **values,
        ),
    )
    db.session.commit()
    return organisation


def make_user(
    organisation=None,
    *,
    role: str = "member",
    coordinator: bool = False,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    locale: str = "fr",
):
    """A person with a membership (role member or org_admin) or a coordinator."""
    n = next(_seq)
    if organisation is None and not coordinator:
        organisation = make_organisation()
    user = accounts.create_person(
        SYSTEM,
        accounts.PersonInput(
            email=email or f"person{n}@example.org",
            name=name or f"Person {n}",
            organisation_id=organisation.id if organisation else None,
            role=role,
            is_coordinator=coordinator,
            password=password,
            locale=locale,
        ),
    )
    db.session.commit()
    return user


def make_coordinator(**kwargs):
    return make_user(coordinator=True, **kwargs)


def add_membership(user, organisation, role="member") -> Membership:
    membership = memberships.add_membership(SYSTEM, user, organisation, role)
    db.session.commit()
    return membership


def make_resource(name: str | None = None, **values):
    n = next(_seq)
    values.setdefault("kind", "premises")
    values.update(values.pop("rules", {}))  # the rules may be nested, as in the API
    resource = resources.create_resource(
        SYSTEM, resources.ResourceValues(name=name or f"Salle {n}", **values)
    )
    db.session.commit()
    return resource


def make_token(user, name: str = "tests") -> str:
    _token, secret = accounts.create_token(user, name)
    db.session.commit()
    return secret
