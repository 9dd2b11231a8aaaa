"""A believable demo pole: organisations, people, rooms (two of which make a hall), a van
(which needs a driving licence), chairs, projectors, shared staff."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from babel.dates import format_date
from sqlalchemy import select

from pooling.accounts import memberships
from pooling.accounts import services as accounts
from pooling.accounts.models import User
from pooling.core.actors import SYSTEM
from pooling.core.errors import DomainError
from pooling.demo_bookings import load_bookings
from pooling.extensions import db
from pooling.organisations import services as organisations
from pooling.organisations.models import Organisation
from pooling.resources import services as resources
from pooling.resources.models import Resource

DEMO_PASSWORD = "demo-pooling-2026"

ORGANISATIONS = [
    ("Pôle Coopér'Action", "pole", "association", "1.000"),
    ("Les Jardins de Cocagne du Val", "jardins-cocagne", "association", "0.500"),
    ("SCOP Bois & Compagnie", "scop-bois", "cooperative", "1.500"),
    ("SCIC Énergies Citoyennes", "scic-energies", "cooperative", "1.200"),
    ("Ressourcerie La Trouvaille", "ressourcerie", "social_enterprise", "0.800"),
    ("Atelier Mécanique Durand", "atelier-durand", "business", "2.000"),
    ("Communauté de communes du Val", "cc-val", "local_authority", "3.000"),
    ("Centre de formation Agir", "cfa-agir", "training", "1.000"),
]

PEOPLE = [
    # email, name, organisation slug, role, coordinator, second organisation
    ("coordination@demo.pooling.fr", "Camille Coordination", "pole", "org_admin", True, None),
    ("referente@demo.pooling.fr", "Inès Référente", "jardins-cocagne", "org_admin", False, None),
    ("membre@demo.pooling.fr", "Marc Membre", "jardins-cocagne", "member", False, None),
    ("bois@demo.pooling.fr", "Paul Menuisier", "scop-bois", "org_admin", False, None),
    ("energie@demo.pooling.fr", "Léa Énergie", "scic-energies", "member", False, None),
    ("trouvaille@demo.pooling.fr", "Sami Ressourcerie", "ressourcerie", "org_admin", False, None),
    ("durand@demo.pooling.fr", "Jeanne Durand", "atelier-durand", "org_admin", False, None),
    ("val@demo.pooling.fr", "Hugo Collectivité", "cc-val", "org_admin", False, None),
    ("agir@demo.pooling.fr", "Nora Formation", "cfa-agir", "org_admin", False, None),
    (
        "mi-temps@demo.pooling.fr",
        "Yanis Mi-temps",
        "ressourcerie",
        "member",
        False,
        "scic-energies",
    ),
    ("comptable@demo.pooling.fr", "Sophie Martin", "pole", "member", False, None),
]

WEEK = ("mon", "tue", "wed", "thu", "fri")


def _hours(spans, days=WEEK):
    return {day: [list(span) for span in spans] for day in days}


RESOURCES = [
    dict(
        name="Salle Jaurès",
        kind="premises",
        capacity=12,
        location="Maison des coopérations, 1er étage",
        description="Salle de réunion lumineuse, écran et tableau blanc.",
        owner="cc-val",
    ),
    dict(
        name="Salle Marianne",
        kind="premises",
        capacity=14,
        location="Maison des coopérations, 1er étage",
        description="Salle de réunion voisine de la salle Jaurès, séparée par une cloison mobile.",
        owner="cc-val",
    ),
    # The two rooms with the partition open: booking it takes both.
    dict(
        name="Grande salle Jaurès-Marianne",
        kind="premises",
        capacity=30,
        location="Maison des coopérations, 1er étage",
        description="Les salles Jaurès et Marianne réunies, cloison ouverte.",
        owner="cc-val",
        parts=("Salle Jaurès", "Salle Marianne"),
    ),
    dict(
        name="Salle des Tilleuls",
        kind="premises",
        capacity=25,
        location="Maison des coopérations, rez-de-chaussée",
        description="Grande salle modulable pour formations et assemblées.",
        owner="cc-val",
        requires_approval=True,
    ),
    dict(
        name="Petit bureau partagé",
        kind="premises",
        capacity=3,
        location="Maison des coopérations, 2e étage",
        description="Bureau calme pour un entretien ou une permanence.",
        owner="pole",
    ),
    dict(
        name="Bureau nomade",
        kind="premises",
        capacity=6,
        location="Maison des coopérations, 2e étage",
        description="Six postes de travail en coworking.",
        owner="pole",
        quantity=6,
        unit="poste",
    ),
    dict(
        name="Atelier bois",
        kind="premises",
        capacity=8,
        location="Zone artisanale des Prés",
        description="Atelier équipé (scie à format, raboteuse). Formation sécurité obligatoire.",
        owner="scop-bois",
        requires_approval=True,
        min_duration_minutes=120,
        slot_minutes=60,
    ),
    dict(
        name="Cuisine professionnelle",
        kind="premises",
        capacity=10,
        location="Halle du Val",
        description="Cuisine aux normes HACCP, chambre froide.",
        owner="cc-val",
        requires_approval=True,
        opening_hours=_hours([["07:00", "21:00"]], WEEK + ("sat",)),
    ),
    dict(
        name="Halle du Val",
        kind="premises",
        capacity=150,
        location="Halle du Val",
        description="Halle pour événements, marchés et assemblées.",
        owner="cc-val",
        requires_approval=True,
        opening_hours=_hours([["08:00", "23:00"]], WEEK + ("sat", "sun")),
        min_notice_minutes=2880,
    ),
    dict(
        name="Salle de formation Agir",
        kind="premises",
        capacity=16,
        location="Centre Agir",
        description="Salle équipée de 16 postes.",
        owner="cfa-agir",
    ),
    dict(
        name="Camionnette Kangoo",
        kind="equipment",
        capacity=2,
        location="Parking de la Halle",
        description="Utilitaire 3 m³. Relever le compteur au départ et au retour.",
        owner="ressourcerie",
        meter_unit="km",
        requires=("Permis B",),
        opening_hours=_hours([["07:00", "20:00"]], WEEK + ("sat",)),
        slot_minutes=30,
    ),
    dict(
        name="Chaises pliantes",
        kind="equipment",
        quantity=40,
        unit="chaise",
        location="Réserve de la Halle",
        description="40 chaises pliantes empilables.",
        owner="cc-val",
    ),
    dict(
        name="Vidéoprojecteur",
        kind="equipment",
        quantity=3,
        unit="appareil",
        location="Accueil",
        description="Vidéoprojecteurs HDMI avec câbles.",
        owner="pole",
    ),
    dict(
        name="Remorque plateau",
        kind="equipment",
        location="Zone artisanale des Prés",
        description="Remorque 750 kg.",
        owner="atelier-durand",
    ),
    dict(
        name="Broyeur de végétaux",
        kind="equipment",
        location="Jardins de Cocagne",
        description="Broyeur thermique, équipements de protection fournis.",
        owner="jardins-cocagne",
        requires_approval=True,
    ),
    dict(
        name="Comptable partagée — Sophie",
        kind="staff",
        location="Maison des coopérations",
        description="Comptable à temps partagé (groupement d'employeurs) : saisie, paie, clôtures.",
        owner="pole",
        staff_email="comptable@demo.pooling.fr",
        slot_minutes=30,
        min_duration_minutes=60,
        opening_hours={
            "mon": [["09:00", "12:30"], ["13:30", "17:00"]],
            "tue": [["09:00", "12:30"], ["13:30", "17:00"]],
            "thu": [["09:00", "12:30"], ["13:30", "17:00"]],
        },
    ),
    dict(
        name="Chargé de communication — Karim",
        kind="staff",
        location="Maison des coopérations",
        description="Communication partagée : supports, réseaux sociaux, presse.",
        owner="pole",
        slot_minutes=30,
        min_duration_minutes=60,
        opening_hours={
            "wed": [["09:00", "12:30"], ["13:30", "17:00"]],
            "fri": [["09:00", "12:30"], ["13:30", "17:00"]],
        },
    ),
]


def load_demo() -> list[tuple[str, str, str]]:
    """Create what is missing of the demo pole; returns (email, password, label) of the logins.

    Idempotent: organisations, people and resources are looked up by slug, e-mail and name.
    """
    by_slug: dict[str, Organisation] = {}
    for name, slug, kind, weight in ORGANISATIONS:
        existing = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        by_slug[slug] = existing or organisations.create_organisation(
            SYSTEM,
            organisations.OrganisationInput(
                name=name, slug=slug, kind=kind, weight=Decimal(weight)
            ),
        )
    logins = []
    for email, name, slug, role, coordinator, second in PEOPLE:
        user = accounts.find_user_by_email(email)
        if user is None:
            user = accounts.create_person(
                SYSTEM,
                accounts.PersonInput(
                    email=email,
                    name=name,
                    organisation_id=by_slug[slug].id,
                    role=role,
                    is_coordinator=coordinator,
                    password=DEMO_PASSWORD,
                ),
            )
            if second:
                memberships.add_membership(SYSTEM, user, by_slug[second], "member")
        # The roles in the words of the (French) interface.
        words = {"org_admin": "référent·e", "member": "membre"}
        label = "coordination" if coordinator else f"{words[role]} ({by_slug[slug].name})"
        logins.append((email, DEMO_PASSWORD, label))
    qualifications = _load_qualifications()
    for spec in RESOURCES:
        spec = dict(spec)
        owner = by_slug[spec.pop("owner")]
        requires = spec.pop("requires", ())
        if requires:
            spec["required_qualifications"] = tuple(qualifications[name].id for name in requires)
        part_names = spec.pop("parts", ())
        if part_names:
            spec["parts"] = tuple(
                db.session.scalar(select(Resource.id).where(Resource.name == name))
                for name in part_names
            )
        staff_email = spec.pop("staff_email", None)
        if staff_email:
            spec["staff_user_id"] = accounts.find_user_by_email(staff_email).id
        if db.session.scalar(select(Resource.id).where(Resource.name == spec["name"])):
            continue
        resources.create_resource(
            SYSTEM, resources.ResourceValues(**spec, owner_organisation_id=owner.id)
        )
    db.session.flush()
    load_bookings(db.session.scalars(select(User)).all())
    _load_costs(by_slug)
    return logins


# The van needs a driving licence: who holds it, and for how many days more (None: no end).
QUALIFICATIONS = [("Permis B", None), ("Hygiène alimentaire (HACCP)", 36)]
HOLDERS = [
    ("Permis B", "trouvaille@demo.pooling.fr", None),
    ("Permis B", "membre@demo.pooling.fr", 45),
    ("Permis B", "coordination@demo.pooling.fr", None),
    ("Permis B", "durand@demo.pooling.fr", None),
    ("Hygiène alimentaire (HACCP)", "trouvaille@demo.pooling.fr", 20),
]


def _load_qualifications() -> dict:
    """The qualifications and their holders (once: the holders when a qualification is new)."""
    from pooling.core.time import pole_tz
    from pooling.qualifications import services as qualifications
    from pooling.qualifications.models import Qualification

    today = datetime.now(pole_tz()).date()
    found = {}
    for name, months in QUALIFICATIONS:
        existing = db.session.scalar(select(Qualification).where(Qualification.name == name))
        found[name] = existing or qualifications.create_qualification(SYSTEM, name, months)
        if existing is not None:
            continue
        for qualification_name, email, days in HOLDERS:
            person = accounts.find_user_by_email(email)
            if qualification_name == name and person is not None:
                qualifications.record_holder(
                    SYSTEM,
                    found[name].id,
                    person.id,
                    today + timedelta(days=days) if days is not None else None,
                )
    return found


def _load_costs(by_slug: dict[str, Organisation]) -> None:
    """This month's cost period with the pole's usual charges (once)."""
    from pooling.core.time import pole_tz
    from pooling.costing.models import CostPeriod
    from pooling.costing.periods import CostInput, PeriodInput, add_cost, create_period

    if db.session.scalar(select(CostPeriod.id).limit(1)) is not None:
        return
    today = datetime.now(pole_tz()).date()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    coordinator = accounts.find_user_by_email("coordination@demo.pooling.fr")
    period = create_period(
        coordinator,
        PeriodInput(
            name=format_date(first, "MMMM y", locale="fr").capitalize(),
            start=first,
            end=last,
            provisional=True,
        ),
    )
    rooms = {r.name: r for r in db.session.scalars(select(Resource))}
    costs = [
        dict(
            label="Loyer Salle Jaurès",
            category="rent",
            amount=Decimal("900.00"),
            subsidy=Decimal("300.00"),
            rule="usage",
            resource_id=rooms["Salle Jaurès"].id,
            paid_by_organisation_id=by_slug["cc-val"].id,
            paid_by_given=True,
        ),
        dict(
            label="Assurance multirisque",
            category="insurance",
            amount=Decimal("240.00"),
            rule="equal",
        ),
        dict(
            label="Énergie de la Maison des coopérations",
            category="energy",
            amount=Decimal("410.00"),
            rule="weighted",
        ),
        dict(
            label="Entretien de la camionnette",
            category="maintenance",
            amount=Decimal("180.00"),
            rule="fixed_plus_usage",
            fixed_share=Decimal("0.30"),
            resource_id=rooms["Camionnette Kangoo"].id,
            usage_unit="meter",
            paid_by_organisation_id=by_slug["ressourcerie"].id,
            paid_by_given=True,
        ),
        dict(
            label="Comptable partagée (salaire chargé)",
            category="salary",
            rule="usage",
            resource_id=rooms["Comptable partagée — Sophie"].id,
            loaded_hourly_cost=Decimal("31.40"),
            management_coefficient=Decimal("1.08"),
            paid_by_organisation_id=by_slug["pole"].id,
            paid_by_given=True,
        ),
    ]
    for values in costs:
        try:
            add_cost(coordinator, period.id, CostInput(**values))
        except DomainError:  # a cost the demo data cannot carry: the demo goes on without it
            continue
    db.session.flush()
