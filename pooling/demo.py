"""A believable demo pole: organisations, people, rooms, a van, chairs, projectors, shared staff."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from pooling.accounts import services as accounts
from pooling.accounts.models import User
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
            None,
            organisations.OrganisationInput(
                name=name, slug=slug, kind=kind, weight=Decimal(weight)
            ),
        )
    logins = []
    for email, name, slug, role, coordinator, second in PEOPLE:
        user = accounts.find_user_by_email(email)
        if user is None:
            user = accounts.create_person(
                None,
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
                accounts.add_membership(None, user, by_slug[second], "member")
        label = "coordinator" if coordinator else f"{role} ({by_slug[slug].name})"
        logins.append((email, DEMO_PASSWORD, label))
    for spec in RESOURCES:
        spec = dict(spec)
        owner = by_slug[spec.pop("owner")]
        if db.session.scalar(select(Resource.id).where(Resource.name == spec["name"])):
            continue
        resources.create_resource(None, {**spec, "owner_organisation_id": owner.id})
    db.session.flush()
    _load_bookings(db.session.scalars(select(User)).all())
    return logins


def _load_bookings(users) -> None:
    """Bookings arrive with the booking engine; nothing to add yet."""
    return None
