"""Who the caller is: the answer of GET /api/v1/me."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from config import Config
from pooling.accounts.models import ROLES
from pooling.api.schemas.common import Answer
from pooling.api.schemas.organisations import OrganisationRef
from pooling.api.schemas.qualifications import HeldQualification

MembershipRole = Literal[tuple(ROLES)]  # type: ignore[valid-type]
Role = Literal[(*ROLES, "coordinator")]  # type: ignore[valid-type]
Locale = Literal[tuple(Config.LANGUAGES)]  # type: ignore[valid-type]


class Membership(Answer):
    """An organisation the caller acts for, with their role in it."""

    id: int
    slug: str
    name: str
    role: MembershipRole


class Me(Answer):
    """The caller."""

    id: int
    email: str
    name: str
    role: Annotated[Role, Field(description="The highest role.")]
    locale: Locale
    organisation: Annotated[
        OrganisationRef | None, Field(description="The main organisation, if any.")
    ]
    organisations: Annotated[list[Membership], Field(description="Every membership.")]
    qualifications: Annotated[
        list[HeldQualification],
        Field(description="The qualifications the caller holds, with their last valid day."),
    ]
