"""The demo pole's bookings: a few weeks of habits and one-off bookings around today, with
their purposes, a hall booked whole, some cancellations (``pooling.demo`` loads them)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from pooling.core.errors import DomainError
from pooling.extensions import db
from pooling.resources.models import Resource

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
    "Assemblée générale du pôle": ("internal_meeting", 30),
    "Forum de l'emploi solidaire": ("public_event", 28),
}


def load_bookings(users) -> None:
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

    # The hall (Jaurès and Marianne, partition open), booked whole: both rooms are taken.
    # The first working day from the one planned that takes it (a public holiday does not).
    for email, weeks, start, end, title in (
        ("coordination@demo.pooling.fr", 1, time(14), time(18), "Assemblée générale du pôle"),
        ("val@demo.pooling.fr", 2, time(9), time(12), "Forum de l'emploi solidaire"),
    ):
        for day in range(2, 12):
            planned = monday + timedelta(weeks=weeks, days=day)
            if planned.weekday() < 5 and book(
                email, "Grande salle Jaurès-Marianne", planned, start, end, title
            ):
                break

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
