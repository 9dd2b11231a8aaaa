"""In a real browser: the booking form says, as soon as the van is chosen, that the person
lacks the qualification it requires; choosing another resource hides the notice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pooling.core.actors import SYSTEM
from pooling.extensions import db
from pooling.qualifications import services as qualifications
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, make_organisation, make_resource, make_user

NOTICES = {
    "fr": "Vous ne pouvez pas réserver cette ressource : elle demande l'habilitation Permis B",
    "en": "You cannot book this resource: it requires the qualification Permis B",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_choosing_the_van_shows_the_missing_licence_before_submitting(app, live_server, page, lang):
    jardins = make_organisation("Les Jardins")
    alice = make_user(jardins, name="Alice", locale=lang)
    permis = qualifications.create_qualification(SYSTEM, "Permis B")
    db.session.commit()
    room = make_resource("Salle Jaurès")
    van = make_resource("Camionnette", kind="equipment", required_qualifications=(permis.id,))
    sign_in(page, live_server, alice.email, PASSWORD)
    page.goto(f"{live_server}/bookings/new?resource_id={room.id}")
    notice = page.locator(f".qualification-notice[data-resource-id='{van.id}']")
    expect(notice).to_be_hidden()
    page.select_option("#resource_id", str(van.id))
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(NOTICES[lang].replace(" : ", "\u00a0: "))
    page.select_option("#resource_id", str(room.id))
    expect(notice).to_be_hidden()
