"""The one builder of the tests' poles: organisations, people with their roles, resources,
API tokens and sign-ins, all created through the real services (``tests.factories``).

``World`` keeps what it creates under the key it is given, as an attribute and as an item
(``pole.alice`` or ``pole["alice"]``). It also signs actors in (a test client with a session,
or a bearer header) and can snapshot and restore every table (the security matrix).

The recipes below are the poles the tests use; the ``pole`` fixture (tests/conftest.py) builds
the one a test asks for with ``pytest.mark.pole(name, **options)``, else the one its folder
names with a ``pole_recipe`` fixture, else "bookings". A folder whose tests need bookings or
costs on top of the people and resources extends the fixture: ``def pole(pole, app): ...``
(naming ``app`` again keeps the test parametrised over the databases: pytest reads only the
closest definition's arguments when it parametrises).
"""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from pooling.extensions import db
from tests.factories import (
    make_coordinator,
    make_organisation,
    make_resource,
    make_token,
    make_user,
)

PARIS = ZoneInfo("Europe/Paris")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Opening hours of a resource open at every hour of every day (the only copy in the tests).
ALWAYS_OPEN = {day: [["00:00", "24:00"]] for day in DAYS}
# Opening hours of the member pages' resources: every day, 07:00-22:00.
DAYTIME = {day: [["07:00", "22:00"]] for day in DAYS}
CSRF_RAW = "security-tests-csrf-seed"


class World:
    """A pole under construction: what it holds, and the sign-in identities of its people."""

    def __init__(self, app: Flask | None = None) -> None:
        self.app = app or current_app._get_current_object()
        self.ids: dict[str, object] = {}
        self.tokens: dict[str, str] = {}
        self.logins: dict[str, str] = {}
        self.rows: dict[str, list[dict]] = {}

    def __getitem__(self, key: str):
        return getattr(self, key)

    def _keep(self, key: str, thing):
        if hasattr(type(self), key) or key in vars(self):
            raise ValueError(f"{key!r} is taken in this world")
        setattr(self, key, thing)
        return thing

    def _organisation(self, organisation):
        return self[organisation] if isinstance(organisation, str) else organisation

    # ------------------------------------------------------------------ building

    def add_organisation(self, key: str, name: str, **values):
        """An organisation (``slug``, ``weight``, ``kind``... as ``make_organisation``)."""
        return self._keep(key, make_organisation(name, **values))

    def add_person(self, key: str, organisation, *, role: str = "member", **values):
        """A person of ``organisation`` (an object or the key of one): ``member`` or ``org_admin``."""
        return self._keep(key, make_user(self._organisation(organisation), role=role, **values))

    def add_member(self, key: str, organisation, **values):
        return self.add_person(key, organisation, **values)

    def add_referent(self, key: str, organisation, **values):
        """A referent (``org_admin``) of ``organisation``."""
        return self.add_person(key, organisation, role="org_admin", **values)

    def add_coordinator(self, key: str = "coordinator", **values):
        """A coordinator of the pole (no organisation)."""
        return self._keep(key, make_coordinator(**values))

    def add_resource(self, key: str, name: str, **values):
        """A resource (``kind`` premises unless told; ``opening_hours``, ``owner`` as a key...)."""
        if "owner" in values:
            values["owner_organisation_id"] = self._organisation(values.pop("owner")).id
        return self._keep(key, make_resource(name, **values))

    def add_token(self, key: str) -> str:
        """A personal API token of the person ``key``; its secret is kept in ``tokens[key]``."""
        self.tokens[key] = make_token(self[key])
        return self.tokens[key]

    def sign_in(self, key: str) -> str:
        """Remember the session identity of the person ``key`` (for ``client(key)``)."""
        self.logins[key] = self[key].get_id()
        return self.logins[key]

    # ------------------------------------------------------------------ acting

    def client(self, actor: str, *, csrf: bool = True):
        """A test client signed in as ``actor`` (a session, as a browser), with a CSRF seed."""
        client = self.app.test_client()
        with client.session_transaction() as session:
            if actor != "anonymous":
                session["_user_id"] = self.logins[actor]
                session["_fresh"] = True
            if csrf:
                session["csrf_token"] = CSRF_RAW
        return client

    def csrf_token(self) -> str:
        """The form token that matches the seed put in each client's session."""
        return URLSafeTimedSerializer(self.app.secret_key, salt="wtf-csrf-token").dumps(CSRF_RAW)

    def api_headers(self, actor: str) -> dict[str, str]:
        """Bearer header of ``actor`` (none for the anonymous caller)."""
        if actor == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[actor]}"}

    # ------------------------------------------------------------------ rows

    def snapshot(self) -> None:
        """Remember every row of every table."""
        db.session.commit()
        self.rows = {
            table.name: [dict(row._mapping) for row in db.session.execute(table.select())]
            for table in db.metadata.sorted_tables
        }

    def restore(self) -> None:
        """Put every table back to the snapshot (sequences keep growing on PostgreSQL)."""
        db.session.remove()
        tables = db.metadata.sorted_tables
        with db.engine.begin() as connection:
            # DELETE, not TRUNCATE: on a few rows it is many times faster on PostgreSQL.
            for table in reversed(tables):
                connection.execute(table.delete())
            for table in tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])

    def changed(self) -> list[str]:
        """The tables whose rows differ from the snapshot (what a request wrote)."""
        db.session.remove()
        differ = []
        for table in db.metadata.sorted_tables:
            rows = [dict(row._mapping) for row in db.session.execute(table.select())]
            key = lambda row: repr(sorted(row.items()))  # noqa: E731
            if sorted(rows, key=key) != sorted(self.rows[table.name], key=key):
                differ.append(table.name)
        db.session.remove()
        return differ

    def counts(self) -> dict[str, int]:
        """Rows per table, to tell that a refused request wrote nothing."""
        db.session.remove()
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


# ---------------------------------------------------------------------- people


def jardins_and_scop(
    world: World,
    *,
    weights: tuple[str, str] | None = None,
    locale: str = "fr",
    scop_referent: bool = True,
    referent: bool = True,
) -> World:
    """Les Jardins (Alice, referent Inès) and SCOP Bois (Bob, referent Paul), coordinator Camille."""
    jardins, scop = {}, {}
    if weights:
        jardins, scop = {"weight": Decimal(weights[0])}, {"weight": Decimal(weights[1])}
    world.add_organisation("jardins", "Les Jardins", slug="jardins", **jardins)
    world.add_organisation("scop", "SCOP Bois", slug="scop-bois", **scop)
    world.add_member("alice", "jardins", name="Alice", locale=locale)
    if referent:
        world.add_referent("referent", "jardins", name="Inès", locale=locale)
    world.add_member("bob", "scop", name="Bob", locale=locale)
    if scop_referent:
        world.add_referent("scop_referent", "scop", name="Paul", locale=locale)
    world.add_coordinator(name="Camille", locale=locale)
    return world


def alpha_and_beta(world: World) -> World:
    """Alpha and Beta, a member and a referent in each, a coordinator (the security pole)."""
    world.add_organisation("alpha", "Alpha", slug="alpha")
    world.add_organisation("beta", "Beta", slug="beta")
    world.add_member("member", "alpha", name="Member Alpha")
    world.add_referent("referent", "alpha", name="Referent Alpha")
    world.add_member("other_member", "beta", name="Member Beta")
    world.add_referent("other_referent", "beta", name="Referent Beta")
    world.add_coordinator(name="Coordinator")
    return world


# ---------------------------------------------------------------------- recipes


def bookings(world: World) -> World:
    """The booking engine's pole: a room, 5 projectors, a workshop lent on approval by SCOP.

    Default opening hours (Monday to Friday, 08:00-19:00)."""
    jardins_and_scop(world)
    world.add_resource("room", "Salle Jaurès", capacity=12, max_advance_days=800)
    world.add_resource(
        "projectors",
        "Vidéoprojecteur",
        kind="equipment",
        quantity=5,
        unit="appareil",
        max_advance_days=800,
    )
    world.add_resource(
        "workshop", "Atelier bois", requires_approval=True, owner="scop", max_advance_days=800
    )
    return world


def halls(world: World) -> World:
    """The booking engine's pole with a hall made of two meeting rooms (a composite resource).

    Room A and room B are the hall's parts: booking the hall takes both, booking a room
    blocks the hall. Default opening hours (Monday to Friday, 08:00-19:00)."""
    bookings(world)
    world.add_resource("room_a", "Salle A", capacity=20, max_advance_days=800)
    world.add_resource("room_b", "Salle B", capacity=20, max_advance_days=800)
    world.add_resource(
        "hall",
        "Grande salle",
        capacity=40,
        max_advance_days=800,
        parts=(world.room_a.id, world.room_b.id),
    )
    return world


def booking_pages(world: World) -> World:
    """The member pages' pole: a room, a van with a meter, the workshop; open 07:00-22:00 daily."""
    jardins_and_scop(world)
    world.add_resource(
        "room", "Salle Jaurès", capacity=12, max_advance_days=800, opening_hours=DAYTIME
    )
    world.add_resource(
        "van",
        "Camionnette",
        kind="equipment",
        max_advance_days=800,
        meter_unit="km",
        opening_hours=DAYTIME,
    )
    world.add_resource(
        "workshop",
        "Atelier bois",
        requires_approval=True,
        owner="scop",
        max_advance_days=800,
        opening_hours=DAYTIME,
    )
    return world


def costing(world: World) -> World:
    """Weights 1 and 3, a room lent by Les Jardins, a shared accountant, chairs and a van.

    Every resource is always open."""
    jardins_and_scop(world, weights=("1", "3"))
    world.add_resource(
        "room",
        "Salle Jaurès",
        capacity=12,
        max_advance_days=800,
        opening_hours=ALWAYS_OPEN,
        owner="jardins",
    )
    world.add_resource(
        "accountant",
        "Comptable partagée",
        kind="staff",
        max_advance_days=800,
        opening_hours=ALWAYS_OPEN,
    )
    world.add_resource(
        "chairs",
        "Chaises pliantes",
        kind="equipment",
        quantity=40,
        max_advance_days=800,
        opening_hours=ALWAYS_OPEN,
    )
    world.add_resource(
        "van",
        "Camionnette",
        kind="equipment",
        max_advance_days=800,
        opening_hours=ALWAYS_OPEN,
        meter_unit="km",
    )
    return world


def calendar_pages(world: World) -> World:
    """Three rooms and five projectors on two sites, default opening hours (Mon-Fri 08-19).

    No referent at SCOP; people read the interface in English, so that the tests read its
    words whatever the state of the French catalogue."""
    jardins_and_scop(world, locale="en", scop_referent=False)
    world.add_resource(
        "jaures",
        "Salle Jaurès",
        capacity=12,
        location="Maison des associations",
        max_advance_days=800,
    )
    world.add_resource(
        "michel", "Salle Louise Michel", capacity=14, location="Tiers-lieu", max_advance_days=800
    )
    world.add_resource(
        "small",
        "Petite salle",
        capacity=6,
        location="Maison des associations",
        max_advance_days=800,
    )
    world.add_resource(
        "projectors",
        "Vidéoprojecteur",
        kind="equipment",
        quantity=5,
        unit="appareils",
        location="Tiers-lieu",
        max_advance_days=800,
    )
    return world


def check(world: World) -> World:
    """``pooling check``'s pole: no referents, a room and 10 chairs, always open."""
    jardins_and_scop(world, referent=False, scop_referent=False)
    world.add_resource("room", "Salle Jaurès", opening_hours=ALWAYS_OPEN, max_advance_days=800)
    world.add_resource(
        "chairs", "Chaises pliantes", kind="equipment", quantity=10, opening_hours=ALWAYS_OPEN
    )
    return world


def ateliers(world: World, *, fabrique: bool = True) -> World:
    """Les Ateliers (referent Rita, member Marc), La Fabrique (referent Odile), coordinator Claire.

    ``fabrique=False``: Les Ateliers alone."""
    world.add_organisation("ateliers", "Les Ateliers", slug="ateliers")
    if fabrique:
        world.add_organisation("fabrique", "La Fabrique", slug="fabrique")
    world.add_referent("referent", "ateliers", name="Rita Référente")
    world.add_member("member", "ateliers", name="Marc Membre")
    if fabrique:
        world.add_referent("other_referent", "fabrique", name="Odile Autre")
    world.add_coordinator(name="Claire Coordination")
    return world


def dashboards(world: World) -> World:
    """Alpha, Beta and Gamma; "Salle A" and a "Van" (their hours and bookings: the dashboards')."""
    world.add_organisation("a", "Alpha")
    world.add_organisation("b", "Beta")
    world.add_organisation("c", "Gamma")
    world.add_coordinator()
    world.add_referent("referent_b", "b")
    world.add_member("member_a", "a")
    world.add_member("user_c", "c")
    world.add_resource("room", "Salle A", kind="premises")
    world.add_resource("van", "Van", kind="equipment")
    return world


def journeys(world: World) -> World:
    """The browser journeys' pole: three organisations, people with real-looking addresses,
    three rooms of 6, 12 and 20 people and a workshop lent on approval (default hours)."""
    world.add_organisation("jardins", "Les Jardins partagés", slug="jardins")
    world.add_organisation("scop", "SCOP Bois & Compagnie", slug="scop-bois")
    world.add_organisation("theatre", "Théâtre du Kiosque", slug="kiosque")
    world.add_member("alice", "jardins", email="alice@jardins.example", name="Alice Martin")
    world.add_member("bob", "scop", email="bob@scop-bois.example", name="Bob Lefèvre")
    world.add_referent("paul", "scop", email="paul@scop-bois.example", name="Paul Girard")
    world.add_member("claire", "theatre", email="claire@kiosque.example", name="Claire Dubois")
    world.add_resource("jaures", "Salle Jaurès", capacity=12, location="Maison des associations")
    world.add_resource(
        "louise", "Bureau Louise Michel", capacity=6, location="Maison des associations"
    )
    world.add_resource("veil", "Grande salle Simone Veil", capacity=20, location="Halle du pôle")
    world.add_resource(
        "workshop",
        "Atelier bois",
        requires_approval=True,
        owner="scop",
        location="Zone artisanale",
    )
    return world


RECIPES = {
    recipe.__name__: recipe
    for recipe in (
        bookings,
        booking_pages,
        costing,
        calendar_pages,
        check,
        ateliers,
        dashboards,
        journeys,
        halls,
        alpha_and_beta,
        jardins_and_scop,
    )
}


def build_pole(recipe: str = "bookings", app: Flask | None = None, **options) -> World:
    """The pole of recipe ``recipe`` (a name of RECIPES), with the recipe's ``options``."""
    return RECIPES[recipe](World(app), **options)
