"""The audit trail page: coordinators read who did what, filter it and export it as CSV."""

from __future__ import annotations

import csv
import io
import re

from tests.factories import make_coordinator, make_organisation, make_resource, make_user


def test_coordinator_reads_resource_changes_with_before_and_after(app, login):
    coordinator = make_coordinator()
    room = make_resource("Salle Jaurès")
    client = login(coordinator)
    client.get("/")  # a signed-in session
    from pooling.extensions import db
    from pooling.resources.services import ResourceValues, update_resource

    update_resource(coordinator, room.id, ResourceValues(capacity=20))
    db.session.commit()
    page = client.get("/audit/?object_type=resource")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ressource modifiée" in text
    assert "resource.update" not in text.split("<tbody>")[1]
    assert re.search(r"<dt>Capacité</dt>\s*<dd>[^<]*→ 20</dd>", text)


def test_members_and_referents_cannot_read_the_audit_trail(app, login):
    organisation = make_organisation()
    assert login(make_user(organisation)).get("/audit/").status_code == 403
    assert login(make_user(organisation, role="org_admin")).get("/audit/").status_code == 403
    assert login(make_user(organisation)).get("/audit/export.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_csv_export_filters_by_action_and_neutralises_formulas(app, login):
    from pooling.extensions import db
    from pooling.organisations.services import OrganisationInput, create_organisation

    coordinator = make_coordinator(email="=2+3@example.org")
    create_organisation(coordinator, OrganisationInput(name="Les Jardins"))
    db.session.commit()
    make_resource("Salle A")
    response = login(coordinator).get("/audit/export.csv?action=organisation.create")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "organisation.create" in text
    assert "resource.create" not in text
    assert ";'=2+3@example.org;" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:6] == [
        "Quand (heure locale)",
        "Qui",
        "Courriel",
        "Action",
        "Objet",
        "Modifications",
    ]
    created = rows[1]
    assert created[3] == "structure créée" and created[4].endswith("Les Jardins")
    assert "Nom\u00a0: Les Jardins" in created[5] and "{" not in created[5]
    # The time is the pole's local time, as the page shows it.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", created[0])


def test_audit_page_names_objects_and_acts_in_words(app, login):
    from pooling.audit.services import record
    from pooling.extensions import db

    coordinator = make_coordinator()
    english = make_coordinator(locale="en")
    member = make_user(make_organisation())
    record(coordinator, "membership.role", member.memberships[0], after={"role": "org_admin"})
    record(coordinator, "series.cancel", type("Row", (), {"__tablename__": "series", "id": 7})())
    db.session.commit()
    page = login(coordinator).get("/audit/").get_data(as_text=True)
    assert "rôle modifié" in page
    assert f"rattachement — {member.name} — {member.memberships[0].organisation.name}" in page
    assert "<dd>référent·e</dd>" in page
    assert "réservation récurrente (série) — #7" in page
    assert not re.search(r"\bserie\b", page)
    page = login(english).get("/audit/").get_data(as_text=True)
    assert "role changed" in page
    assert "<dd>referent</dd>" in page
    assert "recurring booking (series) — #7" in page


def test_recurring_booking_events_are_recorded_as_series(app):
    from pooling.audit.services import record
    from pooling.core.actors import SYSTEM
    from pooling.extensions import db

    event = record(SYSTEM, "series.cancel", type("Row", (), {"__tablename__": "series", "id": 3})())
    db.session.flush()
    assert event.object_type == "series"
    db.session.rollback()


def test_csv_export_says_the_act_in_words_and_keeps_its_code(app, login):
    from pooling.extensions import db
    from pooling.organisations.services import OrganisationInput, create_organisation

    coordinator = make_coordinator()
    create_organisation(coordinator, OrganisationInput(name="Les Jardins"))
    db.session.commit()
    text = login(coordinator).get("/audit/export.csv").get_data(as_text=True)
    assert "structure créée" in text
    assert "organisation.create" in text
    assert "structure membre" in text


def test_audit_page_reads_as_words_names_and_local_times(app, login):
    """No code, no id, no escaped JSON: the act, the closure's resource and its local dates."""
    from datetime import UTC, datetime, timedelta

    from pooling.extensions import db
    from pooling.organisations.services import OrganisationInput, update_organisation
    from pooling.resources.services import create_closure

    coordinator = make_coordinator(name="Camille Coordination")
    room = make_resource("Salle Jaurès")
    jardins = make_organisation("Les Jardins")
    day = (datetime.now(UTC) + timedelta(days=30)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    create_closure(coordinator, room.id, day, day + timedelta(hours=2), "Travaux")
    update_organisation(coordinator, jardins.id, OrganisationInput(name="Jardins du maraîchage"))
    db.session.commit()
    text = login(coordinator).get("/audit/").get_data(as_text=True)
    assert "fermeture ajoutée" in text
    table = text.split("<tbody>")[1]
    assert "closure.create" not in table and "closure #" not in table
    # 08:00 UTC is 09:00 or 10:00 in Paris: the page speaks the pole's time.
    assert re.search(r"Salle Jaurès, du \d+ \S+ \d{4}, (09|10):00 au", text)
    assert "Les Jardins → Jardins du maraîchage" in text
    assert "\\u00ee" not in text and "&#34;" not in text
    assert "Camille Coordination" in text


def test_audit_page_goes_back_page_by_page(app, login):
    from pooling.audit.services import record
    from pooling.audit.views import PAGE_SIZE
    from pooling.extensions import db

    coordinator = make_coordinator()
    organisation = make_organisation("Les Jardins")
    for n in range(PAGE_SIZE + 3):
        record(coordinator, "organisation.update", organisation, after={"weight": str(n)})
    db.session.commit()
    client = login(coordinator)
    first = client.get("/audit/?action=organisation.update").get_data(as_text=True)
    assert first.count("<tr>") == PAGE_SIZE + 1  # the header and a full page
    assert "Événements plus anciens" in first
    assert "Événements plus récents" not in first
    second = client.get("/audit/?action=organisation.update&page=2").get_data(as_text=True)
    assert second.count("<tr>") == 1 + 3
    assert "action=organisation.update" in second
    assert "Événements plus récents" in second
    assert "Événements plus anciens" not in second
    assert client.get("/audit/?page=abc").status_code == 200


def test_a_cancelled_recurring_booking_is_named_by_its_resource_and_first_date(app, login):
    from datetime import UTC, datetime, timedelta

    from pooling.audit.services import record
    from pooling.bookings.models import Booking, Series
    from pooling.extensions import db

    coordinator = make_coordinator()
    organisation = make_organisation("La Fabrique")
    member = make_user(organisation)
    room = make_resource("Salle Jaurès")
    start = (datetime.now(UTC) + timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    series = Series(
        resource_id=room.id, organisation_id=organisation.id, user_id=member.id, rrule="FREQ=WEEKLY"
    )
    db.session.add(series)
    db.session.flush()
    db.session.add(
        Booking(
            resource_id=room.id,
            organisation_id=organisation.id,
            user_id=member.id,
            series_id=series.id,
            start_at=start,
            end_at=start + timedelta(hours=1),
            status="cancelled",
        )
    )
    record(coordinator, "series.cancel", series)
    db.session.commit()
    page = login(coordinator).get("/audit/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "réservation récurrente annulée" in text
    assert "réservation récurrente (série) — Salle Jaurès, La Fabrique, " in text


def test_codes_read_through_the_labels_of_their_feature(app):
    from flask_babel import force_locale

    from pooling.audit.reading import code_label

    with app.test_request_context(), force_locale("fr"):
        assert code_label("status", "pending") == "en attente"
        assert code_label("status", "closed", "cost_period") == "clôturée"
        assert code_label("status", "proposed", "booking_share") == "proposée"
        assert code_label("kind", "equipment", "resource") == "Matériel"
        assert code_label("kind", "association", "organisation") == "Association"
        assert code_label("rule", "usage") == "répartition à l'usage"
        assert code_label("category", "rent") == "Loyer"
        assert code_label("role", "org_admin") == "référent·e"
        assert code_label("rule", "unknown_rule") == "unknown_rule"
