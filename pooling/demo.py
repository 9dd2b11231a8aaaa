"""A believable demo pole: organisations, people, rooms, a van (which needs a driving licence),
chairs, projectors, shared staff."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from babel.dates import format_date
from sqlalchemy import select

from pooling.accounts import memberships
from pooling.accounts import services as accounts
from pooling.accounts.models import User
from pooling.core.actors import SYSTEM
from pooling.core.errors import DomainError
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
        staff_email = spec.pop("staff_email", None)
        if staff_email:
            spec["staff_user_id"] = accounts.find_user_by_email(staff_email).id
        if db.session.scalar(select(Resource.id).where(Resource.name == spec["name"])):
            continue
        resources.create_resource(
            SYSTEM, resources.ResourceValues(**spec, owner_organisation_id=owner.id)
        )
    db.session.flush()
    _load_bookings(db.session.scalars(select(User)).all())
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


# What each demo booking is for (by its title), and how many people are expected.
PURPOSES_BY_TITLE = {
    "Conseil de gérance SCOP": ("internal_meeting", 6),
    "Formation maraîchage bio": ("training", 12),
    "Réunion d'équipe du pôle": ("internal_meeting", 8),
    "Paie et déclarations": ("support", None),
    "Saisie comptable": ("support", None),
    "Campagne financement participatif": ("economic_activity", None),
    "Collecte d'encombrants": ("economic_activity", 2),
    "Livraison paniers": ("economic_activity", 1),
    "Chantier": ("economic_activity", 3),
    "Conseil communautaire décentralisé": ("public_event", 60),
    "Session de formation": ("training", 15),
    "Assemblée des sociétaires": ("internal_meeting", 40),
    "Permanence": ("support", 5),
    "Journée coworking": ("other", 2),
    "Fabrication de mobilier": ("economic_activity", 2),
    "Broyage des tailles": ("other", 2),
    "Atelier cuisine anti-gaspi": ("public_event", 14),
}


def _load_bookings(users) -> None:
    """A few weeks of varied bookings around today, made through the booking service.

    Added only once (when no booking exists yet), so a second run changes nothing.
    """
    from pooling.bookings import purposes
    from pooling.bookings import services as bookings
    from pooling.bookings.models import Booking
    from pooling.core.time import local_to_utc, pole_tz

    if db.session.scalar(select(Booking.id).limit(1)) is not None:
        return
    purposes.ensure_defaults()
    tz = pole_tz()
    people = {u.email: u for u in users}
    rooms = {r.name: r for r in db.session.scalars(select(Resource))}
    today = datetime.now(tz).date()
    monday = today - timedelta(days=today.weekday())
    rng = random.Random(2026)

    def book(email, resource, day, start, end, title, quantity=1, recurrence=None, past=False):
        start_at = local_to_utc(datetime.combine(day, start), tz)
        end_at = local_to_utc(datetime.combine(day, end), tz)
        user = people[email]
        purpose, attendance = PURPOSES_BY_TITLE.get(title, (None, None))
        request = bookings.BookingRequest(
            resource_id=rooms[resource].id,
            start=start_at,
            end=end_at,
            title=title,
            quantity=quantity,
            organisation_id=user.organisation.id if user.organisation else None,
            recurrence=recurrence,
            on_conflict="skip",
            purpose=purpose,
            attendance=attendance,
        )
        now = start_at - timedelta(days=30) if past else None
        try:
            return bookings.create_booking(user, request, now=now)
        except DomainError:  # refused before anything was written: the demo simply goes on
            return None

    # Weekly habits, from three weeks ago for eight weeks.
    first = monday - timedelta(weeks=3)
    book(
        "bois@demo.pooling.fr",
        "Salle Jaurès",
        first + timedelta(days=1),
        time(14),
        time(16),
        "Conseil de gérance SCOP",
        recurrence="FREQ=WEEKLY;COUNT=8",
        past=True,
    )
    book(
        "referente@demo.pooling.fr",
        "Salle des Tilleuls",
        first + timedelta(days=3),
        time(9),
        time(12),
        "Formation maraîchage bio",
        recurrence="FREQ=WEEKLY;COUNT=8",
        past=True,
    )
    book(
        "coordination@demo.pooling.fr",
        "Salle Jaurès",
        first,
        time(9, 30),
        time(11),
        "Réunion d'équipe du pôle",
        recurrence="FREQ=WEEKLY;COUNT=8",
        past=True,
    )
    book(
        "agir@demo.pooling.fr",
        "Comptable partagée — Sophie",
        first + timedelta(days=1),
        time(9),
        time(12),
        "Paie et déclarations",
        recurrence="FREQ=WEEKLY;COUNT=8",
        past=True,
    )
    book(
        "trouvaille@demo.pooling.fr",
        "Comptable partagée — Sophie",
        first + timedelta(days=3),
        time(14),
        time(16),
        "Saisie comptable",
        recurrence="FREQ=WEEKLY;COUNT=8",
        past=True,
    )
    book(
        "energie@demo.pooling.fr",
        "Chargé de communication — Karim",
        first + timedelta(days=2),
        time(9),
        time(12),
        "Campagne financement participatif",
        recurrence="FREQ=WEEKLY;COUNT=6",
        past=True,
    )

    # One-off bookings spread over the weeks.
    one_offs = [
        (
            "trouvaille@demo.pooling.fr",
            "Camionnette Kangoo",
            time(8),
            time(12),
            "Collecte d'encombrants",
            1,
        ),
        (
            "membre@demo.pooling.fr",
            "Camionnette Kangoo",
            time(13),
            time(17),
            "Livraison paniers",
            1,
        ),
        ("durand@demo.pooling.fr", "Remorque plateau", time(8), time(18), "Chantier", 1),
        (
            "val@demo.pooling.fr",
            "Chaises pliantes",
            time(8),
            time(19),
            "Conseil communautaire décentralisé",
            30,
        ),
        ("agir@demo.pooling.fr", "Vidéoprojecteur", time(9), time(17), "Session de formation", 1),
        (
            "energie@demo.pooling.fr",
            "Vidéoprojecteur",
            time(14),
            time(16),
            "Assemblée des sociétaires",
            2,
        ),
        ("mi-temps@demo.pooling.fr", "Petit bureau partagé", time(9), time(12), "Permanence", 1),
        ("membre@demo.pooling.fr", "Bureau nomade", time(9), time(17), "Journée coworking", 2),
        ("bois@demo.pooling.fr", "Atelier bois", time(8), time(12), "Fabrication de mobilier", 1),
        (
            "referente@demo.pooling.fr",
            "Broyeur de végétaux",
            time(9),
            time(12),
            "Broyage des tailles",
            1,
        ),
        (
            "trouvaille@demo.pooling.fr",
            "Cuisine professionnelle",
            time(9),
            time(14),
            "Atelier cuisine anti-gaspi",
            1,
        ),
    ]
    for week in range(-3, 5):
        for email, resource, start, end, title, quantity in one_offs:
            day = monday + timedelta(weeks=week, days=rng.randrange(0, 5))
            past = day < today
            result = book(email, resource, day, start, end, title, quantity, past=past)
            if result and past and resource == "Camionnette Kangoo":
                booking = result.bookings[0]
                km = 12000 + (week + 3) * 180 + rng.randrange(0, 50)
                booking.checked_in_at = booking.start_at
                booking.checked_out_at = booking.end_at
                booking.meter_start = Decimal(km)
                booking.meter_end = Decimal(km + rng.randrange(15, 120))

    # A few cancellations, some late.
    upcoming = list(
        db.session.scalars(
            select(Booking)
            .where(Booking.series_id.is_(None), Booking.checked_in_at.is_(None))
            .order_by(Booking.start_at)
        )
    )
    for booking in upcoming[3::9]:
        bookings.cancel_booking(booking.user, booking.id, "Imprévu")
    db.session.flush()
