"""In the browser: a coordinator types a notice in days and a unit label, and reads them back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pooling.extensions import db
from pooling.resources.models import Resource
from tests.e2e.conftest import PHONE, no_horizontal_overflow, sign_in
from tests.factories import PASSWORD, make_coordinator

pytestmark = pytest.mark.e2e


def test_coordinator_sets_a_notice_in_days_and_a_unit_on_a_phone(live_server, new_page, pole):
    make_coordinator(email="camille@pole.example", name="Camille")
    db.session.commit()
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, "camille@pole.example", PASSWORD)
    page.goto(f"{live_server}/resources/{pole.jaures.id}/edit?lang=fr")
    assert no_horizontal_overflow(page), "resource form"
    page.fill("#min_notice_minutes", "2")
    page.select_option("#min_notice_unit", "days")
    page.fill("#quantity", "3")
    page.fill("#unit", "salle")
    page.fill("#unit_plural", "")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("3\u00a0salles")

    db.session.expire_all()
    room = db.session.get(Resource, pole.jaures.id)
    assert (room.min_notice_minutes, room.unit_plural) == (2 * 1440, "salles")

    page.goto(f"{live_server}/resources/{pole.jaures.id}/edit?lang=fr")
    assert page.input_value("#min_notice_minutes") == "2"
    assert page.input_value("#min_notice_unit") == "days"
    expect(page.locator("#min_notice_unit option:checked")).to_have_text("jours")
